// nginx numbers every connection it creates, requests' and timers' fake ones alike; the number
// is the `*N` of error-log lines. One counter per process, shared by every transport.
let counter = 0;

export function nextConnectionNumber(): number {
  return ++counter;
}
