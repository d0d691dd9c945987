package io.stockingest.core.features;

/**
 * The exact sum of a multiset of finite doubles (a "superaccumulator"), to which values are added and from which
 * they are removed again: the sliding-window sums of {@link FeatureCalculator}.
 *
 * <p>Every double is an integer multiple of 2^-1074; the sum is kept as that integer in 32-bit digits held in
 * signed 64-bit limbs (limb {@code k} counts units of 2^(32(k-2) - 1074)). Adding a value adds its 53-bit
 * significand, shifted, to three limbs; removing it subtracts the very same digits, so nothing is ever rounded and
 * the state depends only on which values are in the window, not on the order or history of the updates. That is
 * what makes a series computed from a stored tail identical, bit for bit, to a full recomputation: a Kahan- or
 * Welford-updated running sum carries the rounding of every value that ever passed through it. Carries are resolved
 * only when the sum is read; a limb moves by less than 2^34 per value, so no limb can overflow for any window below
 * 2^29 values.
 *
 * <p>{@link #value} rounds the exact sum to the nearest double (ties to even); {@link #residual} is the exact sum
 * minus that double, rounded: together a double-double good to about 2^-106 relative.
 *
 * <p>Not thread-safe.
 */
final class ExactSum {
    private static final int LIMBS = 72;
    private static final long MASK = 0xFFFF_FFFFL;

    private final long[] limbs = new long[LIMBS];
    private final long[] scratch = new long[LIMBS];
    private int lo = LIMBS;
    private int hi = -1;

    void add(double x) {
        widen(place(limbs, x, 1));
    }

    void remove(double x) {
        widen(place(limbs, x, -1));
    }

    /** The sum rounded to the nearest double. */
    double value() {
        if (hi < 0) {
            return 0.0;
        }
        System.arraycopy(limbs, lo, scratch, lo, hi - lo + 1);
        double value = round(scratch, lo, hi);
        return value;
    }

    /** The sum minus {@link #value()}, rounded to the nearest double. */
    double residual() {
        double value = value();
        if (value == 0.0) {
            return 0.0;
        }
        System.arraycopy(limbs, lo, scratch, lo, hi - lo + 1);
        int k = place(scratch, value, -1);
        return round(scratch, Math.min(lo, k), Math.max(hi, k + 2));
    }

    private void widen(int k) {
        if (k >= 0) {
            lo = Math.min(lo, k);
            hi = Math.max(hi, k + 2);
        }
    }

    /** Adds {@code sign * x} to the digits {@code k..k+2} of {@code into}; returns {@code k}, or -1 for zero. */
    private static int place(long[] into, double x, int sign) {
        if (x == 0.0) {
            return -1;
        }
        if (!Double.isFinite(x)) {
            throw new IllegalArgumentException("cannot sum " + x);
        }
        long bits = Double.doubleToRawLongBits(x);
        int exponent = (int) ((bits >>> 52) & 0x7FF);
        long significand = bits & 0xF_FFFF_FFFF_FFFFL;
        int position; // of the significand's lowest bit, counted from 2^-1074
        if (exponent == 0) {
            position = 0;
        } else {
            significand |= 1L << 52;
            position = exponent - 1;
        }
        long s = bits < 0 ? -sign : sign;
        int k = (position >>> 5) + 2;
        int shift = position & 31;
        long low = (significand & MASK) << shift; // < 2^63
        long high = (significand >>> 32) << shift; // < 2^52
        into[k] += s * (low & MASK);
        into[k + 1] += s * ((low >>> 32) + (high & MASK));
        into[k + 2] += s * (high >>> 32);
        return k;
    }

    /**
     * Rounds the exact value held in {@code t[from..to]} to the nearest double, and leaves {@code t} all zero (it
     * is zero outside that range on entry).
     */
    private static double round(long[] t, int from, int to) {
        int end = Math.min(LIMBS - 1, to + 2);
        normalize(t, from, end);
        boolean negative = t[end] < 0;
        if (negative) {
            for (int i = from; i <= end; i++) {
                t[i] = -t[i];
            }
            normalize(t, from, end);
        }
        int top = end;
        while (top >= from && t[top] == 0) {
            top--;
        }
        if (top < from) {
            return 0.0;
        }
        // the top three digits hold 65..96 significant bits; keep the leading 63 and fold the rest into a sticky bit
        long a = t[top];
        long b = t[top - 1];
        long c = t[top - 2];
        int n = 64 - Long.numberOfLeadingZeros(a); // bits in the top digit, 1..32
        int drop = n + 1; // of the n + 64 bits, drop the lowest n + 1
        long ab = (a << 32) | b;
        long kept;
        boolean sticky;
        if (drop <= 32) {
            kept = (ab << (32 - drop)) | (c >>> drop);
            sticky = (c & ((1L << drop) - 1)) != 0;
        } else {
            kept = ab >>> 1;
            sticky = (ab & 1) != 0 || c != 0;
        }
        for (int i = from; i < top - 2 && !sticky; i++) {
            sticky = t[i] != 0;
        }
        java.util.Arrays.fill(t, from, end + 1, 0L);
        double magnitude = Math.scalb((double) (kept | (sticky ? 1 : 0)), 32 * (top - 4) - 1074 + drop);
        return negative ? -magnitude : magnitude;
    }

    /** Resolves carries so that every digit of {@code t[from..end)} is in [0, 2^32); the top one keeps the sign. */
    private static void normalize(long[] t, int from, int end) {
        for (int i = from; i < end; i++) {
            long carry = t[i] >> 32;
            t[i] -= carry << 32;
            t[i + 1] += carry;
        }
    }
}
