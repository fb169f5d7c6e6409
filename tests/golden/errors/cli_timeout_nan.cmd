prove lib/race.rmp lib/common.prop --timeout nan
