// The Merkle tree hash of RFC 6962 / 9162 (section 2.1): leaves and inner nodes are hashed with
// different prefixes, so a leaf can never pass for a node. A seal covers its batch with this root.
import { createHash } from 'node:crypto'

const sha256 = (...parts: (Buffer | string)[]): Buffer => {
  const hash = createHash('sha256')
  for (const part of parts) hash.update(part)
  return hash.digest()
}

export function leafHash(data: string): Buffer {
  return sha256(Buffer.from([0]), data)
}

function treeHash(leaves: readonly Buffer[], from: number, to: number): Buffer {
  const n = to - from
  if (n === 1) return leaves[from]!
  // the largest power of two smaller than n
  let k = 1
  while (k * 2 < n) k *= 2
  return sha256(Buffer.from([1]), treeHash(leaves, from, from + k), treeHash(leaves, from + k, to))
}

/** The root (hex) over the leaves' data, in order; the empty tree's root is SHA-256 of nothing. */
export function merkleRoot(leafData: readonly string[]): string {
  if (leafData.length === 0) return sha256().toString('hex')
  return treeHash(leafData.map(leafHash), 0, leafData.length).toString('hex')
}
