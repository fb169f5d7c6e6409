"""Which instance of its actor takes a step: the trace column of "CPU 0 | CPU 1".

An actor declared ``actor host : host per Thread`` has one column per thread:
a step of ``host.write(t: Thread)`` with ``t = Thread1`` is drawn under
``host[Thread1]``. The lane of a step is the value of the action's first
parameter whose type is the actor's ``per`` sort (or enum); an action of that
actor without such a parameter is drawn under the bare actor.

Without ``per``, an actor still gets lanes when every one of its actions takes
a parameter of one sort whose name says it is an execution context (Thread,
Cpu, Vcpu, Core, Hart, Task, Worker, Proc, Process): the mailing-list picture
is the point of a trace, and a model written before ``per`` existed should
show it. Any other sort (a page, a guest frame) never splits a column by
default: an actor acting on two pages is still one actor.
"""

from __future__ import annotations

import re

from rmpcheck import ir

# words of a sort name that make it an execution context (split at case and _)
CONTEXT_WORDS = frozenset(
    {"thread", "threads", "cpu", "cpus", "vcpu", "vcpus", "core", "cores", "hart", "harts",
     "task", "tasks", "worker", "workers", "proc", "process", "processes", "tid"}
)


def _words(name: str) -> list[str]:
    return [w.lower() for w in re.findall(r"[A-Z]+(?![a-z])|[A-Z]?[a-z]+|\d+", name)]


def _type_name(t: ir.Type) -> str:
    return t.name if isinstance(t, (ir.SortType, ir.EnumType)) else ""


def lane_sort(model: ir.Model, actor: str) -> str:
    """The sort whose elements are ``actor``'s instances, or "" for one column."""
    a = next((x for x in model.actors if x.name == actor), None)
    if a is not None and a.per:
        return a.per
    actions = [act for act in model.actions if act.actor == actor]
    if not actions:
        return ""
    shared = set.intersection(*({_type_name(p.type) for p in act.params} for act in actions))
    contexts = sorted(s for s in shared if s and any(w in CONTEXT_WORDS for w in _words(s)))
    return contexts[0] if len(contexts) == 1 else ""


def lane_param(model: ir.Model, action: ir.Action) -> str:
    """The name of the parameter that picks the step's lane, or ""."""
    sort = lane_sort(model, action.actor)
    if not sort:
        return ""
    return next((p.name for p in action.params if _type_name(p.type) == sort), "")
