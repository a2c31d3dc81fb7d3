/** heic-decode ships no types: one function, HEIC bytes in, RGBA pixels out. */
declare module 'heic-decode' {
  function decode(input: { buffer: ArrayBufferLike | Uint8Array }): Promise<{ width: number; height: number; data: Uint8ClampedArray }>;
  export default decode;
}
