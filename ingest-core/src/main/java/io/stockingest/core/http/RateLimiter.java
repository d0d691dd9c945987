package io.stockingest.core.http;

import static java.util.Objects.requireNonNull;

import java.time.Duration;

/**
 * A smooth rate limiter: requests are spaced evenly, {@code period / permits} apart, and never burst. Under a
 * sliding-window limit at the server no window can hold more than {@code permits} requests, however long the run
 * waited before.
 *
 * <p>It adapts when the server disagrees: a throttled response ({@link #onThrottled}) doubles the spacing (up to 32
 * times the configured one); an accepted response ({@link #onSuccess}) shrinks it back toward the configured
 * spacing, by 2% while it is above twice the spacing that was last refused (the rate the server took before is safe
 * to regain quickly) and by 0.2% below that (probing slowly for the rate that was just refused, as TCP grows its
 * window slowly past its slow-start threshold). A response only speaks for the spacing its request was sent at: every {@link #acquire() permit} carries
 * the limiter's generation, which each doubling bumps, and answers to permits of an older generation are ignored.
 * So when {@code N} requests in flight all hit the same full window, their burst of 429s doubles the spacing once,
 * not {@code N} times (as TCP halves its window once per round trip), and the accepted answers to requests sent at
 * the old spacing do not undo the doubling either; and callers still waiting for a slot reserved at the old spacing
 * take a new one. A headroom factor keeps the client a little under the nominal
 * limit so that network jitter cannot push a window over it.
 *
 * <p>Thread-safe: callers reserve slots under a lock and sleep outside it.
 */
public final class RateLimiter {
    private static final double DEFAULT_HEADROOM = 0.99;
    private static final int MAX_SLOWDOWN = 32;
    private final Ticker ticker;
    private final long configuredSpacingNanos;
    private final RateLimit limit;
    private long spacingNanos;
    private long nextFreeNanos;
    private long generation;
    /** Twice the last spacing the server refused (fast recovery stops here), or the configured spacing. */
    private long thresholdNanos;

    /** A reserved slot: which spacing generation the request was sent under. */
    public record Permit(long generation) {
    }

    public RateLimiter(RateLimit limit, Ticker ticker) {
        this(limit, ticker, DEFAULT_HEADROOM);
    }

    public RateLimiter(RateLimit limit, Ticker ticker, double headroom) {
        this.limit = requireNonNull(limit, "limit is null");
        this.ticker = requireNonNull(ticker, "ticker is null");
        if (headroom <= 0 || headroom > 1) {
            throw new IllegalArgumentException("headroom must be in (0, 1]");
        }
        this.configuredSpacingNanos = (long) Math.ceil(limit.spacing().toNanos() / headroom);
        this.spacingNanos = configuredSpacingNanos;
        this.thresholdNanos = configuredSpacingNanos;
        this.nextFreeNanos = Long.MIN_VALUE;
    }

    public RateLimit limit() {
        return limit;
    }

    /**
     * Blocks until the caller may send one request; report its answer with the returned permit. A slot reserved
     * before a slow-down is given up when the caller wakes for it, and a new one is taken at the new spacing: the
     * workers already waiting for their slots when the first 429 arrives would otherwise all send into the window
     * the server just said is full.
     */
    public Permit acquire() throws InterruptedException {
        while (true) {
            long wait;
            long reservedUnder;
            synchronized (this) {
                wait = reserve();
                reservedUnder = generation;
            }
            if (wait > 0) {
                ticker.sleep(Duration.ofNanos(wait));
            }
            synchronized (this) {
                if (reservedUnder == generation) {
                    return new Permit(generation);
                }
            }
        }
    }

    /** Reserves the next slot and returns how long to wait for it, in nanoseconds. */
    synchronized long reserve() {
        long now = ticker.nanos();
        long slot = nextFreeNanos == Long.MIN_VALUE ? now : Math.max(now, nextFreeNanos);
        nextFreeNanos = slot + spacingNanos;
        return slot - now;
    }

    /**
     * The request sent under {@code permit} was throttled: doubles the spacing and pushes the next slot one new
     * spacing away, unless the spacing already changed since the permit was handed out (then this 429 belongs to a
     * burst that was already counted).
     */
    public synchronized void onThrottled(Permit permit) {
        if (permit.generation() == generation) {
            slowDown();
        }
    }

    /** Doubles the spacing whatever permit the throttled request had (a 429 known to be new). */
    public synchronized void onThrottled() {
        slowDown();
    }

    private void slowDown() {
        if (spacingNanos < thresholdNanos || thresholdNanos == configuredSpacingNanos) {
            // refused above the rate last known to be too fast (later refusals of the same episode, at slower
            // spacings, leave it): regain only half of this rate quickly
            thresholdNanos = Math.min(spacingNanos * 2, configuredSpacingNanos * MAX_SLOWDOWN);
        }
        spacingNanos = Math.min(spacingNanos * 2, configuredSpacingNanos * MAX_SLOWDOWN);
        nextFreeNanos = Math.max(nextFreeNanos, ticker.nanos() + spacingNanos);
        generation++;
    }

    /** The request sent under {@code permit} was accepted: shrinks the spacing by 2% if it was sent at the current one. */
    public synchronized void onSuccess(Permit permit) {
        if (permit.generation() == generation) {
            onSuccess();
        }
    }

    /** Shrinks the spacing toward the configured one: by 2% down to the threshold, by 0.2% below it. */
    public synchronized void onSuccess() {
        if (spacingNanos > thresholdNanos) {
            spacingNanos = Math.max(thresholdNanos, (long) (spacingNanos * 0.98));
        } else if (spacingNanos > configuredSpacingNanos) {
            spacingNanos = Math.max(configuredSpacingNanos, (long) (spacingNanos * 0.998));
        }
    }

    public synchronized Duration currentSpacing() {
        return Duration.ofNanos(spacingNanos);
    }
}
