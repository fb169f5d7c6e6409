cti lib/race.rmp lib/common.prop -p lock_free --timeout nan
