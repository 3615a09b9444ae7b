/** Growing the simulator's typed-array columns. */

/** A copy of `array` with room for `size` elements (the new tail is zero). */
export function grownArray<T extends Float64Array | Int32Array | Uint8Array>(array: T, size: number): T {
  const grown = new (array.constructor as new (length: number) => T)(size);
  grown.set(array);
  return grown;
}
