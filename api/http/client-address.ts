/**
 * The client's address behind `hops` trusted reverse proxies.
 *
 * Each proxy appends the address it received the request from to
 * X-Forwarded-For, so only the entries added by our own proxies can be
 * believed: the rightmost is what the nearest proxy saw, the next one what the
 * proxy before it saw. Whatever stands further left was written by the client
 * and can be anything — taking the leftmost entry would let a client choose a
 * fresh address for every request and walk past every rate limit.
 *
 * With `hops` trusted proxies the client is the `hops`-th entry from the right.
 * A header shorter than that (a request that reached us past some proxy) gives
 * its leftmost entry, which is still one a trusted proxy wrote. Zero hops, or
 * no header, is the socket's peer.
 */
export function clientAddress(forwardedFor: string | undefined, remote: string | undefined, hops: number): string | undefined {
  if (hops <= 0 || !forwardedFor) return remote;
  const entries = forwardedFor
    .split(',')
    .map((e) => e.trim())
    .filter((e) => e.length > 0);
  if (entries.length === 0) return remote;
  return entries[Math.max(0, entries.length - hops)];
}
