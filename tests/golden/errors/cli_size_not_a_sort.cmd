prove lib/race.rmp lib/common.prop --size Pgae=2
