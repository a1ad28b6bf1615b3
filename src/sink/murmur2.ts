// Kafka's default partitioner for keyed records, bit for bit: Java's `Utils.murmur2(byte[])` and
// `Utils.toPositive(h) % numPartitions` (clients/src/main/java/org/apache/kafka/common/utils/Utils.java).
// Debezium leaves the partition null, so the Java producer picks it with exactly this hash over the
// serialized key (for Avro: magic byte, schema id and body). Consumers that co-partition on the key
// rely on us landing every key in the same partition Debezium would.

const SEED = 0x9747b28c | 0;
const M = 0x5bd1e995;
const R = 24;

/** Java's `Utils.murmur2`: signed 32-bit result, Java int overflow semantics via Math.imul and `| 0`. */
export function murmur2(data: Uint8Array): number {
  const length = data.length;
  let h = (SEED ^ length) | 0;
  const length4 = length >>> 2;
  for (let i = 0; i < length4; i++) {
    const i4 = i << 2;
    // Little-endian int assembled from unsigned bytes, as the Java loop does with `& 0xff`.
    let k = data[i4]! | (data[i4 + 1]! << 8) | (data[i4 + 2]! << 16) | (data[i4 + 3]! << 24);
    k = Math.imul(k, M);
    k ^= k >>> R;
    k = Math.imul(k, M);
    h = Math.imul(h, M);
    h ^= k;
  }
  // Java's switch falls through from case 3 to case 1, and only case 1 multiplies; written as
  // ifs because this project forbids switch fallthrough.
  const rest = length & 3;
  const tail = length & ~3;
  if (rest === 3) h ^= data[tail + 2]! << 16;
  if (rest >= 2) h ^= data[tail + 1]! << 8;
  if (rest >= 1) {
    h ^= data[tail]!;
    h = Math.imul(h, M);
  }
  h ^= h >>> 13;
  h = Math.imul(h, M);
  h ^= h >>> 15;
  return h | 0;
}

/** Java's `Utils.toPositive`: clears the sign bit (not Math.abs, which differs for negatives). */
export function toPositive(h: number): number {
  return h & 0x7fffffff;
}

/** The partition the Java client's default partitioner chooses for a non-null key. */
export function partitionForKey(key: Uint8Array, numPartitions: number): number {
  return toPositive(murmur2(key)) % numPartitions;
}
