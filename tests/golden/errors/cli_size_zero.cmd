prove lib/race.rmp lib/common.prop --size Page=0
