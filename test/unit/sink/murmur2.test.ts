// Vectors printed by the real Java client (kafka-clients 3.9.1): Utils.murmur2(bytes) and
// Utils.toPositive(h) % n for n = 1, 3, 6, 7, 100. Covers the empty input, every tail length,
// bytes >= 0x80 (sign extension in Java), Avro-framed keys and random binary.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { murmur2, partitionForKey, toPositive } from '../../../src/sink/murmur2.js';

const PARTITION_COUNTS = [1, 3, 6, 7, 100];

const VECTORS: { hex: string; murmur2: number; partitions: number[] }[] = [
  { hex: '', murmur2: 275646681, partitions: [0, 0, 3, 2, 81] },
  { hex: '61', murmur2: -1563381124, partitions: [0, 1, 4, 5, 24] },
  { hex: '6162', murmur2: 316155434, partitions: [0, 2, 2, 0, 34] },
  { hex: '616263', murmur2: 479470107, partitions: [0, 0, 3, 4, 7] },
  { hex: '61626364', murmur2: -1323649548, partitions: [0, 2, 2, 5, 0] },
  { hex: '6162636465', murmur2: 461995741, partitions: [0, 1, 1, 4, 41] },
  { hex: '616263646566', murmur2: 1870650108, partitions: [0, 0, 0, 5, 8] },
  { hex: '61626364656667', murmur2: -346467175, partitions: [0, 1, 1, 4, 73] },
  { hex: '6162636465666768', murmur2: -955427363, partitions: [0, 0, 3, 0, 85] },
  { hex: '68656c6c6f', murmur2: 2132663229, partitions: [0, 0, 3, 4, 29] },
  { hex: '3231', murmur2: -973932308, partitions: [0, 0, 0, 3, 40] },
  { hex: '666f6f626172', murmur2: -790332482, partitions: [0, 0, 0, 0, 66] },
  { hex: '637573746f6d65722d31303432', murmur2: 2001794329, partitions: [0, 1, 1, 3, 29] },
  { hex: '54686520717569636b2062726f776e20666f78206a756d7073206f76657220746865206c617a7920646f67', murmur2: 495243318, partitions: [0, 0, 0, 3, 18] },
  { hex: '000000000102', murmur2: -1917368978, partitions: [0, 0, 0, 2, 70] },
  { hex: '00000000018201', murmur2: 810813189, partitions: [0, 0, 3, 4, 89] },
  { hex: '0000000007d40f', murmur2: -2043680563, partitions: [0, 1, 1, 1, 85] },
  { hex: 'ff', murmur2: -311467685, partitions: [0, 0, 3, 5, 63] },
  { hex: '8081', murmur2: 1642145146, partitions: [0, 1, 4, 5, 46] },
  { hex: 'fffefd', murmur2: 998637092, partitions: [0, 2, 2, 5, 92] },
  { hex: 'ffffffff', murmur2: 644171429, partitions: [0, 2, 5, 6, 29] },
  { hex: '359d41baf7', murmur2: 1491068629, partitions: [0, 1, 1, 1, 29] },
  { hex: 'e1bbe7ae28c0450ce4', murmur2: 1173207780, partitions: [0, 0, 0, 3, 80] },
  { hex: '4bbb2bf1839dee466d852cb5be', murmur2: -752065390, partitions: [0, 1, 4, 3, 58] },
  { hex: '9a0c6117bd6743e7dc978573998e685e88', murmur2: -1167883403, partitions: [0, 0, 3, 1, 45] },
  { hex: 'f86c974620bebfb01100b276545718c30f406cc8e3a188fff11059eb6fbce6', murmur2: -347522403, partitions: [0, 2, 5, 5, 45] },
  { hex: '55dfbd6f83b89670d6d9f9bf52d83deedc0bf66205835ccc16ad682d8c478a26f450279849599b56dd53b3351a572b40f27f72d37f347b5d9979162cfa959d28', murmur2: 820587400, partitions: [0, 1, 4, 3, 0] },
  { hex: '32a46196d92c304697e953c0026cc4a45eb32f92829e8d14ee827c94edc93517ef7da4c0ce2972cc9b060b08b6460851f3a3a05bb102f732ed235bd1283ed5021192ed6a754300c523675af9b6c4a514cacaa1b6a736738853ee067b87849adf0100aa4a', murmur2: 1039032172, partitions: [0, 1, 4, 3, 72] },
];

test('murmur2 equals the Java client for every vector', () => {
  for (const v of VECTORS) {
    assert.equal(murmur2(Buffer.from(v.hex, 'hex')), v.murmur2, `murmur2(${v.hex})`);
  }
});

test('partitionForKey equals toPositive(murmur2) % n of the Java client', () => {
  for (const v of VECTORS) {
    const key = Buffer.from(v.hex, 'hex');
    PARTITION_COUNTS.forEach((n, i) => {
      assert.equal(partitionForKey(key, n), v.partitions[i], `partition(${v.hex}, ${n})`);
    });
  }
});

test('toPositive clears the sign bit rather than negating', () => {
  assert.equal(toPositive(-1), 0x7fffffff);
  assert.equal(toPositive(-2147483648), 0);
  assert.equal(toPositive(5), 5);
});

test('murmur2 reads only the given view of a larger buffer', () => {
  const backing = Buffer.from('ffff000000000102ffff', 'hex');
  assert.equal(murmur2(backing.subarray(2, 8)), -1917368978);
});
