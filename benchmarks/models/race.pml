/* benchmarks/models/race.rmp in Promela, for benchmarks/bench_spin.py.
 *
 *   spin -DPAGES=6 -DTHREADS=3 -a race.pml && gcc -O2 -DSAFETY -DNOREDUCE -o pan pan.c && ./pan
 *
 * The state space is race.rmp's, state for state: one process whose only
 * stored control location is the loop head, every action one d_step (no
 * intermediate state), one option per choice of the action's parameters, and
 * each guard in full in the option's first statement, so an option that starts
 * always finishes. SPIN stores one state more than rmpcheck: the state before
 * the initial targets are chosen (the choice is atomic: the states inside it
 * are not stored). rmpcheck's init leaves target unconstrained, so every
 * thread's initial target is any page.
 *
 * PAGES is 1..8 and THREADS 1..4 (the macros below spell out each choice).
 * The invariant write_only_shared is asserted after every step.
 */
#ifndef PAGES
#define PAGES 6
#endif
#ifndef THREADS
#define THREADS 3
#endif

mtype = { idle, translated, consulted };

bool assigned[PAGES];
mtype step[THREADS];
byte target[THREADS];
bool psc_lock;

/* invariant write_only_shared: forall t. step[t] == consulted -> !assigned[target[t]] */
#define SHARED(T) (T >= THREADS || step[T] != consulted || !assigned[target[T]])
#define WRITE_ONLY_SHARED (SHARED(0) && SHARED(1) && SHARED(2) && SHARED(3))

/* action guest.psc_to_private(p) { require !psc_lock; assigned[p] := true } */
#define PSC(P) \
  :: d_step { P < PAGES && !psc_lock -> assigned[P] = true; assert(WRITE_ONLY_SHARED) }

/* action host.translate(t, p) { require step[t] == idle; step[t] := translated; target[t] := p } */
#define TRANSLATE(T, P) \
  :: d_step { T < THREADS && P < PAGES && step[T] == idle -> \
       step[T] = translated; target[T] = P; assert(WRITE_ONLY_SHARED) }
#define TRANSLATE_ALL(T) \
  TRANSLATE(T, 0) TRANSLATE(T, 1) TRANSLATE(T, 2) TRANSLATE(T, 3) \
  TRANSLATE(T, 4) TRANSLATE(T, 5) TRANSLATE(T, 6) TRANSLATE(T, 7)

/* action host.consult_rmp(t): an assigned target sends the thread back to idle;
 * a shared one takes psc_lock (require !psc_lock) */
#define CONSULT(T) \
  :: d_step { T < THREADS && step[T] == translated && (assigned[target[T]] || !psc_lock) -> \
       if \
       :: assigned[target[T]] -> step[T] = idle \
       :: else -> psc_lock = true; step[T] = consulted \
       fi; \
       assert(WRITE_ONLY_SHARED) }

/* action host.write(t) { require step[t] == consulted; step[t] := idle; psc_lock := false } */
#define WRITE(T) \
  :: d_step { T < THREADS && step[T] == consulted -> \
       step[T] = idle; psc_lock = false; assert(WRITE_ONLY_SHARED) }

#define PICK(T) \
  if :: T < THREADS -> do :: target[T] < PAGES - 1 -> target[T]++ :: break od :: else -> skip fi

active proctype race() {
  atomic {
    PICK(0); PICK(1); PICK(2); PICK(3);
    byte i;
    for (i : 0 .. THREADS - 1) { step[i] = idle };
    i = 0;
    assert(WRITE_ONLY_SHARED)
  }
  do
  PSC(0) PSC(1) PSC(2) PSC(3) PSC(4) PSC(5) PSC(6) PSC(7)
  TRANSLATE_ALL(0) TRANSLATE_ALL(1) TRANSLATE_ALL(2) TRANSLATE_ALL(3)
  CONSULT(0) CONSULT(1) CONSULT(2) CONSULT(3)
  WRITE(0) WRITE(1) WRITE(2) WRITE(3)
  od
}
