/** An AbortController whose signal keeps track of the listeners still attached to it. */
export function countedController() {
  const controller = new AbortController();
  // Each listener with the event type it was added for: removing it under another type leaves it attached.
  const attached = new Map<unknown, string>();
  const { signal } = controller;
  const add = signal.addEventListener.bind(signal);
  const remove = signal.removeEventListener.bind(signal);
  signal.addEventListener = ((type: string, listener: EventListener, options?: AddEventListenerOptions) => {
    attached.set(listener, type);
    add(type, listener, options);
  }) as typeof signal.addEventListener;
  signal.removeEventListener = ((type: string, listener: EventListener) => {
    if (attached.get(listener) === type) attached.delete(listener);
    remove(type, listener);
  }) as typeof signal.removeEventListener;
  return { controller, signal, attached };
}
