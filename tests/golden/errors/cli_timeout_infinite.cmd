prove lib/race.rmp lib/common.prop --timeout 1e400
