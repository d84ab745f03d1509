/**
 * CPython 3.12's `list.sort()` for a list of floats, step for step.
 *
 * Any stable sort gives Python's order while every pair of values compares. NaN does not: it is
 * neither less nor greater than anything, so where it (and the values around it) end up depends
 * on exactly which comparisons the algorithm makes, and in which order. CPython's float fast path
 * asks only `a < b`, so that is the one question asked here too, at the same moments: natural runs
 * (a strictly descending one reversed), binary insertion up to the minimum run length, the
 * powersort merge policy that 3.11 brought in, and merges that gallop with an adaptive threshold.
 * Reference: Objects/listobject.c and Objects/listsort.txt in CPython 3.12.
 */

/** The starting threshold of consecutive wins before a merge switches to galloping. */
const MIN_GALLOP = 7;

/** Sorts `list` in place as CPython 3.12's `list.sort()` sorts a list of floats. */
export function pyListSort(list: number[]): void {
  const n = list.length;
  if (n < 2) return;
  const merges = new MergeState(list);
  const minRun = minRunLength(n);
  let lo = 0;
  while (lo < n) {
    const remaining = n - lo;
    let run = naturalRun(list, lo, n);
    if (run < minRun) {
      const force = Math.min(remaining, minRun);
      binaryInsertionSort(list, lo, lo + force, lo + run);
      run = force;
    }
    merges.foundRun(lo, run);
    lo += run;
  }
  merges.collapseAll();
}

/**
 * For n >= 64, a length in [32, 64] such that n / minRun is a power of two or just below one,
 * so the runs come out nearly equal in number and size. Below 64 the whole list is one run.
 */
export function minRunLength(n: number): number {
  let shiftedOff = 0;
  while (n >= 64) {
    shiftedOff |= n & 1;
    n = Math.floor(n / 2);
  }
  return n + shiftedOff;
}

/**
 * The length of the run that starts at `lo`: the longest non-descending stretch, or the longest
 * strictly descending one, which is reversed in place (strictly, so no equal values swap).
 */
function naturalRun(list: number[], lo: number, hi: number): number {
  if (lo + 1 === hi) return 1;
  let end = lo + 2;
  if (list[lo + 1]! < list[lo]!) {
    while (end < hi && list[end]! < list[end - 1]!) end++;
    reverse(list, lo, end);
  } else {
    while (end < hi && !(list[end]! < list[end - 1]!)) end++;
  }
  return end - lo;
}

function reverse(list: number[], from: number, to: number): void {
  for (let i = from, j = to - 1; i < j; i++, j--) {
    const t = list[i]!;
    list[i] = list[j]!;
    list[j] = t;
  }
}

/** Sorts list[lo, hi) given that list[lo, start) is already sorted; a value goes after its equals. */
function binaryInsertionSort(list: number[], lo: number, hi: number, start: number): void {
  if (start === lo) start++;
  for (; start < hi; start++) {
    const pivot = list[start]!;
    let l = lo;
    let r = start;
    do {
      const p = l + ((r - l) >> 1);
      if (pivot < list[p]!) r = p;
      else l = p + 1;
    } while (l < r);
    list.copyWithin(l + 1, l, start);
    list[l] = pivot;
  }
}

/**
 * Where `key` goes in the sorted run a[base, base + n), searching outward from `hint` by
 * doubling steps and then by bisection: before the values equal to it (`afterEquals` false,
 * CPython's gallop_left) or after them (true, gallop_right). Returns an offset from `base`.
 * Both flavours ask `<` with the operands in CPython's order, which matters once NaN is involved.
 */
function gallop(key: number, a: ArrayLike<number>, base: number, n: number, hint: number, afterEquals: boolean): number {
  const goesAfter = afterEquals ? (x: number) => !(key < x) : (x: number) => x < key;
  let lastOfs = 0;
  let ofs = 1;
  if (goesAfter(a[base + hint]!)) {
    // Step right until a[hint + lastOfs] is passed and a[hint + ofs] is not.
    const maxOfs = n - hint;
    while (ofs < maxOfs && goesAfter(a[base + hint + ofs]!)) {
      lastOfs = ofs;
      ofs = ofs * 2 + 1;
    }
    if (ofs > maxOfs) ofs = maxOfs;
    lastOfs += hint;
    ofs += hint;
  } else {
    // Step left until a[hint - ofs] is passed and a[hint - lastOfs] is not.
    const maxOfs = hint + 1;
    while (ofs < maxOfs && !goesAfter(a[base + hint - ofs]!)) {
      lastOfs = ofs;
      ofs = ofs * 2 + 1;
    }
    if (ofs > maxOfs) ofs = maxOfs;
    [lastOfs, ofs] = [hint - ofs, hint - lastOfs];
  }
  // Now the answer is in (lastOfs, ofs].
  lastOfs++;
  while (lastOfs < ofs) {
    const m = lastOfs + ((ofs - lastOfs) >> 1);
    if (goesAfter(a[base + m]!)) lastOfs = m + 1;
    else ofs = m;
  }
  return ofs;
}

/** A plain array or the Float64Array scratch. */
type Slots = {[index: number]: number};

/** Copies src[from, from + count) to dst[to, ...), front to back. */
function copy(src: ArrayLike<number>, from: number, dst: Slots, to: number, count: number): void {
  for (let i = 0; i < count; i++) dst[to + i] = src[from + i]!;
}

/**
 * The stack of sorted runs waiting to be merged (start, length and powersort "power" of each),
 * the scratch space merges use, and the galloping threshold carried from merge to merge.
 */
class MergeState {
  private readonly starts: number[] = [];
  private readonly lengths: number[] = [];
  private readonly powers: number[] = [];
  private readonly scratch: Float64Array;
  private minGallop = MIN_GALLOP;

  constructor(private readonly list: number[]) {
    // A merge copies the shorter of its two runs, so half the list is always enough.
    this.scratch = new Float64Array((list.length + 1) >> 1);
  }

  /**
   * Pushes the run list[start, start + length), first merging the runs below it whose power is
   * greater than the power of the boundary between the current top run and this one.
   */
  foundRun(start: number, length: number): void {
    const top = this.starts.length - 1;
    if (top >= 0) {
      const power = boundaryPower(this.starts[top]!, this.lengths[top]!, length, this.list.length);
      while (this.starts.length > 1 && this.powers[this.starts.length - 2]! > power) this.mergeAt(this.starts.length - 2);
      this.powers[this.starts.length - 1] = power;
    }
    this.starts.push(start);
    this.lengths.push(length);
    this.powers.push(0);
  }

  /** Merges what is left on the stack, always the smaller neighbour of the top pair first. */
  collapseAll(): void {
    while (this.starts.length > 1) {
      let i = this.starts.length - 2;
      if (i > 0 && this.lengths[i - 1]! < this.lengths[i + 1]!) i--;
      this.mergeAt(i);
    }
  }

  /** Merges runs i and i + 1 of the stack into run i. */
  private mergeAt(i: number): void {
    const list = this.list;
    let startA = this.starts[i]!;
    let lengthA = this.lengths[i]!;
    const startB = this.starts[i + 1]!;
    let lengthB = this.lengths[i + 1]!;
    this.lengths[i] = lengthA + lengthB;
    this.starts.splice(i + 1, 1);
    this.lengths.splice(i + 1, 1);
    this.powers.splice(i + 1, 1);

    // The head of A that is not above B's first value is already in place; so is B's tail past A's last.
    const skip = gallop(list[startB]!, list, startA, lengthA, 0, true);
    startA += skip;
    lengthA -= skip;
    if (lengthA === 0) return;
    lengthB = gallop(list[startA + lengthA - 1]!, list, startB, lengthB, lengthB - 1, false);
    if (lengthB <= 0) return;
    if (lengthA <= lengthB) this.mergeLow(startA, lengthA, startB, lengthB);
    else this.mergeHigh(startA, lengthA, startB, lengthB);
  }

  /**
   * Merges A = list[a, a + na) with the B that follows it, left to right, with A copied out to
   * scratch. A's last value is known to belong last, and B's first value first.
   */
  private mergeLow(a: number, na: number, b: number, nb: number): void {
    const list = this.list;
    const tmp = this.scratch;
    copy(list, a, tmp, 0, na);
    let dest = a;
    let pa = 0;
    let lastOfAOnly = false; // A is down to its last value, which follows all of B
    list[dest++] = list[b++]!;
    merge: {
      if (--nb === 0) break merge;
      if (na === 1) {
        lastOfAOnly = true;
        break merge;
      }
      let minGallop = this.minGallop;
      for (;;) {
        let winsA = 0;
        let winsB = 0;
        // One value at a time until one side keeps winning.
        for (;;) {
          if (list[b]! < tmp[pa]!) {
            list[dest++] = list[b++]!;
            winsB++;
            winsA = 0;
            if (--nb === 0) break merge;
            if (winsB >= minGallop) break;
          } else {
            list[dest++] = tmp[pa++]!;
            winsA++;
            winsB = 0;
            if (--na === 1) {
              lastOfAOnly = true;
              break merge;
            }
            if (winsA >= minGallop) break;
          }
        }
        // Gallop while it pays, lowering the threshold each round it does.
        minGallop++;
        do {
          if (minGallop > 1) minGallop--;
          this.minGallop = minGallop;
          winsA = gallop(list[b]!, tmp, pa, na, 0, true);
          if (winsA) {
            copy(tmp, pa, list, dest, winsA);
            dest += winsA;
            pa += winsA;
            na -= winsA;
            if (na === 1) {
              lastOfAOnly = true;
              break merge;
            }
            // With NaN the comparisons are not a total order, and A can run out here.
            if (na === 0) break merge;
          }
          list[dest++] = list[b++]!;
          if (--nb === 0) break merge;

          winsB = gallop(tmp[pa]!, list, b, nb, 0, false);
          if (winsB) {
            list.copyWithin(dest, b, b + winsB);
            dest += winsB;
            b += winsB;
            nb -= winsB;
            if (nb === 0) break merge;
          }
          list[dest++] = tmp[pa++]!;
          if (--na === 1) {
            lastOfAOnly = true;
            break merge;
          }
        } while (winsA >= MIN_GALLOP || winsB >= MIN_GALLOP);
        // Leaving gallop mode costs a notch, so noisy data gallops less often.
        minGallop++;
        this.minGallop = minGallop;
      }
    }
    if (lastOfAOnly) {
      list.copyWithin(dest, b, b + nb);
      list[dest + nb] = tmp[pa]!;
    } else {
      copy(tmp, pa, list, dest, na);
    }
  }

  /**
   * The mirror of `mergeLow` for a shorter B: right to left, with B copied out to scratch. Ties
   * still keep A's values first, so here a B value is taken unless it is less than A's.
   * Kept apart from `mergeLow` as CPython keeps merge_hi apart from merge_lo: it is not an exact
   * mirror (it too gallops in A before B, and its searches start from the runs' far ends), and
   * with NaN around every probe can change the result.
   */
  private mergeHigh(a: number, na: number, b: number, nb: number): void {
    const list = this.list;
    const tmp = this.scratch;
    copy(list, b, tmp, 0, nb);
    const baseA = a;
    let dest = b + nb - 1;
    let pa = a + na - 1;
    let pb = nb - 1;
    let firstOfBOnly = false; // B is down to its first value, which precedes all of A
    list[dest--] = list[pa--]!;
    merge: {
      if (--na === 0) break merge;
      if (nb === 1) {
        firstOfBOnly = true;
        break merge;
      }
      let minGallop = this.minGallop;
      for (;;) {
        let winsA = 0;
        let winsB = 0;
        for (;;) {
          if (tmp[pb]! < list[pa]!) {
            list[dest--] = list[pa--]!;
            winsA++;
            winsB = 0;
            if (--na === 0) break merge;
            if (winsA >= minGallop) break;
          } else {
            list[dest--] = tmp[pb--]!;
            winsB++;
            winsA = 0;
            if (--nb === 1) {
              firstOfBOnly = true;
              break merge;
            }
            if (winsB >= minGallop) break;
          }
        }
        minGallop++;
        do {
          if (minGallop > 1) minGallop--;
          this.minGallop = minGallop;
          winsA = na - gallop(tmp[pb]!, list, baseA, na, na - 1, true);
          if (winsA) {
            dest -= winsA;
            pa -= winsA;
            list.copyWithin(dest + 1, pa + 1, pa + 1 + winsA);
            na -= winsA;
            if (na === 0) break merge;
          }
          list[dest--] = tmp[pb--]!;
          if (--nb === 1) {
            firstOfBOnly = true;
            break merge;
          }

          winsB = nb - gallop(list[pa]!, tmp, 0, nb, nb - 1, false);
          if (winsB) {
            dest -= winsB;
            pb -= winsB;
            copy(tmp, pb + 1, list, dest + 1, winsB);
            nb -= winsB;
            if (nb === 1) {
              firstOfBOnly = true;
              break merge;
            }
            // As in mergeLow: only reachable when NaN breaks the ordering.
            if (nb === 0) break merge;
          }
          list[dest--] = list[pa--]!;
          if (--na === 0) break merge;
        } while (winsA >= MIN_GALLOP || winsB >= MIN_GALLOP);
        minGallop++;
        this.minGallop = minGallop;
      }
    }
    if (firstOfBOnly) {
      dest -= na;
      pa -= na;
      list.copyWithin(dest + 1, pa + 1, pa + 1 + na);
      list[dest] = tmp[pb]!;
    } else {
      copy(tmp, 0, list, dest - (nb - 1), nb);
    }
  }
}

/**
 * Powersort's power of the boundary between the run [s1, s1 + n1) and the n2 values after it, in
 * a list of n: the first bit at which the binary fractions of the two runs' midpoints (over n)
 * differ. Doubled midpoints keep the arithmetic in integers.
 */
function boundaryPower(s1: number, n1: number, n2: number, n: number): number {
  let a = 2 * s1 + n1;
  let b = a + n1 + n2;
  let power = 0;
  for (;;) {
    power++;
    if (a >= n) {
      a -= n;
      b -= n;
    } else if (b >= n) {
      break;
    }
    a *= 2;
    b *= 2;
  }
  return power;
}
