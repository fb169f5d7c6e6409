prove lib/race.rmp lib/common.prop --memory 1
