import type { AnyActorRef, EventObject } from 'xstate';

/** What xstate's scheduler needs from a clock (the `clock` option of createActor). */
interface Clock {
  setTimeout(fn: (...args: unknown[]) => void, timeout: number): unknown;
  clearTimeout(id: unknown): void;
}

interface ScheduledEvent {
  event: EventObject;
  delay: number;
}

interface Timer {
  fire: () => void;
  due: number;
  /** The xstate scheduler key this timer belongs to (null for timers xstate did not schedule). */
  key: string | null;
}

/**
 * A clock handed to `createActor(machine, { clock })` on which the test decides which timer fires
 * and when. Each timer is matched to the delayed event xstate scheduled it for, so a path step
 * "xstate.after.refreshDue.authSession.idle" fires exactly that timer, moving time to its due
 * moment — and fails if the real actor never scheduled it.
 */
export class ManualClock implements Clock {
  now: number;
  private readonly timers = new Map<number, Timer>();
  private nextId = 1;
  private actor: AnyActorRef | undefined;

  constructor(start: number) {
    this.now = start;
  }

  /** The actor whose system schedules on this clock (set right after createActor). */
  attach(actor: AnyActorRef): void {
    this.actor = actor;
  }

  private scheduled(): Record<string, ScheduledEvent> {
    return this.actor?.system.getSnapshot()._scheduledEvents ?? {};
  }

  setTimeout(fn: (...args: unknown[]) => void, timeout: number): number {
    // xstate registers the scheduled event just before asking the clock for a timer: the key that
    // no live timer owns yet is this one.
    const owned = new Set([...this.timers.values()].map((timer) => timer.key));
    const key = Object.keys(this.scheduled()).find((candidate) => !owned.has(candidate)) ?? null;
    const id = this.nextId++;
    this.timers.set(id, { fire: fn, due: this.now + timeout, key });
    return id;
  }

  clearTimeout(id: unknown): void {
    this.timers.delete(id as number);
  }

  /** Event types of the delayed events pending right now. */
  pending(): string[] {
    const scheduled = this.scheduled();
    return [...this.timers.values()].flatMap((timer) => (timer.key ? [scheduled[timer.key]?.event.type ?? '?'] : []));
  }

  /** Moves time to the moment the delayed event `type` is due and fires only that timer. */
  fire(type: string): number {
    const scheduled = this.scheduled();
    for (const [id, timer] of this.timers) {
      if (timer.key !== null && scheduled[timer.key]?.event.type === type) {
        this.timers.delete(id);
        const waited = Math.max(0, timer.due - this.now);
        this.now += waited;
        timer.fire();
        return waited;
      }
    }
    throw new Error(`no pending timer for ${type}; pending: ${this.pending().join(', ') || 'none'}`);
  }
}
