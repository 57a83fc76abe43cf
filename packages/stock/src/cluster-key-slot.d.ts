// The package ships no types: its two functions, as lib/index.js defines them.
declare module 'cluster-key-slot' {
  /** The hash slot (0…16383) of a key, by its hash tag if it has one. */
  function calculateSlot(key: string | Buffer): number;
  namespace calculateSlot {
    /** The one slot of all keys, or -1 if they hash to more than one. */
    function generateMulti(keys: Array<string | Buffer>): number;
  }
  export default calculateSlot;
}
