package io.stockingest.core.http;

import static java.util.Objects.requireNonNull;

import java.time.Duration;
import java.util.Optional;

/**
 * Paces one provider's requests and learns the rate its server really allows. The transport takes a
 * {@link #acquire() permit} when a request really leaves (after its connection was leased, so pool queueing cannot
 * bunch arrivals) and reports the answer with {@link #onAnswer}.
 *
 * <p><b>Pacing.</b> Requests are spaced evenly, {@code period / permits} apart (a 1% headroom under the configured
 * rate), and never burst: a server counting in any window, sliding or fixed, of a second, a minute or an hour, sees
 * at most the configured rate, however long the run waited before.
 *
 * <p><b>The first request goes alone.</b> Until its answer arrives nobody else leaves, and after an answer that is
 * neither a success nor a 429 (a 401 for a wrong key, a 403) the others wait {@link #FIRST_REFUSAL_GRACE} more:
 * time for the caller to see a rejected key and stop the run, so that a wrong key costs one request, not one per
 * worker. It costs the first answer's latency once per run.
 *
 * <p><b>What the server says.</b> {@code Retry-After} on a 429, and {@code X-RateLimit-Remaining: 0} (or
 * {@code RateLimit-Remaining}) with {@code X-RateLimit-Reset} on any answer, stop every permit until the time given
 * (a reset above 10<sup>9</sup> is read as Unix seconds, smaller as seconds from now). A 429 without them says the
 * window is full but not when it frees, and what happens depends on how the provider counts:
 * <ul>
 *   <li>{@link Counting#SLIDING} (the default, also for a server whose window is unknown): the server allows less
 *       than we were told. The rate is halved (multiplicative decrease), and until the server accepts again only
 *       one request at a time is sent: the first probe after as long as the streak of accepted requests took to fill
 *       the window (the window is longer than that and frees its first slot one window after the streak began), at
 *       least 100 ms and at most 1 s after the 429, then twice as far apart after each refused probe, so that a full
 *       window costs a few probes instead of a 429 per waiting request.</li>
 *   <li><b>Climbing back in measured windows.</b> The accepted probe measures the server's window: the time from the
 *       start of the streak that filled it to the first slot it freed ({@code Retry-After} gives the same figure).
 *       A rate is judged after one such window without a 429 (at least 100 ms, at most
 *       {@link #MAX_CLIMB_QUIET 5 s}: beyond that the verdict on a long window comes late, and the run would crawl),
 *       is then remembered as good, and the rate steps up by 5%, then by twice the last step (5%, 10%, 20%, 40%:
 *       four windows from half speed to 97% of the told rate). A 429 above the remembered good rate (a step
 *       overshot) returns to it, not to half of it, and holds it 10 s, doubling per overshoot up to 160 s, before the
 *       next step: a server slightly slower than a step is probed less and less often. A 429 at or below it (the
 *       server got slower) halves again and forgets it. Unlike plain AIMD, which saws between half and all of the
 *       server's rate (75% on average), this settles on the highest rate known to pass, and unlike a fixed quiet
 *       period it regains speed at the pace the server's window can show a step is safe.</li>
 *   <li>{@link Counting#FIXED} (FMP's plans: per calendar minute): the rate was not the problem, the window is.
 *       From the first 429 of a window, one probe is sent every {@code period / 60} (a second for a minute window;
 *       at least 10 ms, at most a minute) until one is accepted; its send time bounds the window's boundary, so
 *       later windows are waited out to the predicted roll without probing (one 429 per window, plus those already
 *       in flight). No 60-second sleep per request. <b>The claim is checked once:</b> the second window's 429 is
 *       probed again, one request at a time with doubling pauses up to the predicted roll. A fixed window refuses
 *       them all until it rolls (a few 429s, once per run); a window that slides frees a slot well before the roll,
 *       or is still full right after it, and from then on the limiter counts as {@link Counting#SLIDING}. Before
 *       that, right after the first roll was found, the request after as many as the first window accepted goes
 *       alone (the count check): a window that slides refuses it, as it refused the first window's next request, and
 *       the limiter then counts as sliding at the cost of that one 429 instead of a burst of a 429 per request in
 *       flight (told 3000/min, 25 per sliding second: 5 429s instead of 7); a fixed window that rolled accepts it,
 *       at the cost of one answer's latency once per run.</li>
 * </ul>
 * A 429 only speaks for the rate its request was sent at: every permit carries the limiter's generation, bumped at
 * each change, and a 429 to a permit of an older generation is ignored. So the 429s of all requests in flight when
 * the window filled count once (as TCP halves once per round trip), and waiters holding a slot reserved at the old
 * pace take a new one.
 *
 * <p><b>Measured</b> on the fake clock against simulated window counters ({@code RateLimiterTest}; told 3000/min,
 * 50 ms latency, 16 in flight; the tables are in docs/performance.md):
 * <ul>
 *   <li>A 50-per-second sliding window (exactly the told rate) sees no 429 and never more than 50 in a second (98% of
 *       its rate over 600 requests); 25 per sliding second costs 4 429s and then runs at the server's rate; 1,500 per
 *       fixed minute takes 1.008x the least time the windows allow, an hourly fixed window 1.007x.</li>
 *   <li>Regaining the told rate once a server that allowed half accepts it again, to 95% of the told rate: a 1-s
 *       sliding window 40.8 s with the former fixed 10-s quiet period, 5.9 s now (6.6 s with {@code Retry-After});
 *       a 60-s window 40.6 s, now 20.6 s; an hour window 75.1 s, now 49.4 s. The price, against a server that stays
 *       slower: one step that overshoots per halving (a 429 or two; with {@code Retry-After}, its rounded-up wait).</li>
 *   <li>Told fixed (FMP) while the server slides: 25 per sliding second reached 0.645 of the server's rate before
 *       the check, 0.907 now (7 429s); 250 per sliding 10 s 0.295, now 0.932.</li>
 * </ul>
 *
 * <p>Thread-safe: state changes under the monitor; callers sleep outside it, in steps of at most 100 ms so that a
 * change (an accepted probe, a {@code Retry-After}) reaches those already waiting.
 */
public final class RateLimiter {
    /** How the provider counts its limit when it says nothing about when a full window frees. */
    public enum Counting {
        /** A window that slides, or one we know nothing about: a 429 means the allowed rate is lower. */
        SLIDING,
        /**
         * Fixed windows of the limit's period (per calendar minute, hour): a 429 means this window is used up. Checked
         * once against the server's answers; a server that turns out to slide is then treated as {@link #SLIDING}.
         */
        FIXED
    }

    /** A reserved and taken slot: when the request left, at which spacing, under which generation. */
    public record Permit(long generation, long spacingNanos, long sentNanos, boolean probe) {
    }

    static final Duration FIRST_REFUSAL_GRACE = Duration.ofSeconds(1);
    /** The longest a step up waits for its verdict; a shorter observed window is waited instead. */
    static final Duration MAX_CLIMB_QUIET = Duration.ofSeconds(5);
    /** After a step up overshot: the least time the rate known good is held before the next step. */
    static final Duration QUIET = Duration.ofSeconds(10);
    static final Duration MAX_QUIET = Duration.ofSeconds(160);
    static final Duration FIRST_PROBE_PAUSE = Duration.ofMillis(100);
    static final Duration MAX_FIRST_PROBE_PAUSE = Duration.ofSeconds(1);
    private static final String PROBING = "one request at a time until the server accepts again";
    private static final String PROBING_FIXED = "one request at a time until the provider's fixed window rolls";
    private static final String CHECKING_FIXED = "one request at a time, checking that the provider's window is fixed";
    static final double FIRST_STEP = 0.05;
    private static final double DEFAULT_HEADROOM = 0.99;
    private static final int MAX_SLOWDOWN = 64;
    private static final long RECHECK_NANOS = Duration.ofMillis(100).toNanos();
    /**
     * How often the others look whether the first request of the run was answered: its answer lets them go, and a
     * 100-ms look left on average 50 ms of the run unused before the second request (measured start-up, issue 21).
     */
    private static final long OPENING_RECHECK_NANOS = Duration.ofMillis(2).toNanos();
    private static final long NONE = Long.MIN_VALUE;

    private final Ticker ticker;
    private final RateLimit limit;
    private final long configuredSpacing;
    private final long windowNanos;

    /** FIXED until the check shows the server's window slides; then SLIDING for the rest of the run. */
    private Counting counting;
    private long spacing;
    private long nextFree = NONE;
    private long blockedUntil = NONE;
    private long generation;
    private String blockedBecause = "";
    // the first request of the run goes alone
    private boolean opening = true;
    private boolean openingOut;
    // one request at a time until the server accepts again
    private boolean probing;
    private boolean probeOut;
    private long probePause;
    /** When the current run of accepted requests began (the start, or the last accepted probe). */
    private long streakStart;
    // SLIDING: the way back up
    private long goodSpacing = NONE;
    /** How long the server's window took to free a slot after a streak filled it (the last halving's), or NONE. */
    private long observedWindow = NONE;
    /** Probing after a halving: the accepted probe measures {@link #observedWindow}. */
    private boolean measuring;
    /** At the rate known good after a step overshot: the next step waits {@link #hold}, not one window. */
    private boolean holding;
    private long hold;
    private long quietSince;
    private double step = FIRST_STEP;
    // FIXED: a time at or after a boundary of the server's windows (they roll at roll + k * window)
    private long roll = NONE;
    /** Once a waited roll let requests through as a fixed window would, the check is not made again. */
    private boolean fixedConfirmed;
    /** While checking: the predicted roll that a fixed window cannot free a slot much before. */
    private long checkUntil = NONE;
    /** Requests accepted since {@link #streakStart}; at the first window's first 429, what that window took. */
    private long streakAccepted;
    private long firstWindowAccepted = NONE;
    /** After the first roll: requests sent since it, and the send time of the count check's request (or NONE). */
    private long sentSinceRoll = NONE;
    private long countCheckSent = NONE;
    private boolean countChecked;

    public RateLimiter(RateLimit limit, Ticker ticker) {
        this(limit, Counting.SLIDING, ticker, DEFAULT_HEADROOM);
    }

    public RateLimiter(RateLimit limit, Counting counting, Ticker ticker) {
        this(limit, counting, ticker, DEFAULT_HEADROOM);
    }

    public RateLimiter(RateLimit limit, Counting counting, Ticker ticker, double headroom) {
        this.limit = requireNonNull(limit, "limit is null");
        this.counting = requireNonNull(counting, "counting is null");
        this.ticker = requireNonNull(ticker, "ticker is null");
        if (headroom <= 0 || headroom > 1) {
            throw new IllegalArgumentException("headroom must be in (0, 1]");
        }
        this.configuredSpacing = (long) Math.ceil(limit.spacing().toNanos() / headroom);
        this.spacing = configuredSpacing;
        this.windowNanos = limit.period().toNanos();
        this.quietSince = ticker.nanos();
        this.streakStart = NONE;
    }

    public RateLimit limit() {
        return limit;
    }

    /**
     * Blocks until the caller may send one request, and returns the permit to report its answer with. A slot
     * reserved before a change of pace is given up when the caller next wakes, and a new one is taken.
     */
    public Permit acquire() throws InterruptedException {
        while (true) {
            long wait;
            synchronized (this) {
                long now = ticker.nanos();
                if (streakStart == NONE) {
                    streakStart = now;
                }
                if (opening && openingOut) {
                    wait = OPENING_RECHECK_NANOS; // the first request's answer decides
                } else if (probing && probeOut) {
                    wait = RECHECK_NANOS; // the probe's answer decides
                } else {
                    long slot = Math.max(now, Math.max(nextFree == NONE ? now : nextFree, blockedUntil));
                    if (slot <= now) {
                        nextFree = now + spacing;
                        if (sentSinceRoll != NONE && ++sentSinceRoll > firstWindowAccepted && !probing) {
                            // the request a sliding window of the first window's size refuses: it goes alone
                            probing = true;
                            countCheckSent = now;
                            sentSinceRoll = NONE;
                        }
                        probeOut = probing;
                        openingOut = opening;
                        return new Permit(generation, spacing, now, probing);
                    }
                    wait = slot - now;
                }
            }
            ticker.sleep(Duration.ofNanos(Math.min(wait, RECHECK_NANOS)));
        }
    }

    /** Tells the limiter how the server answered the request sent under {@code permit}. */
    public synchronized void onAnswer(Permit permit, HttpResult result) {
        long now = ticker.nanos();
        if (opening) {
            opening = false;
            if (!result.isSuccess() && result.status() != 429) {
                blockUntil(now + FIRST_REFUSAL_GRACE.toNanos(), "the first answer was HTTP " + result.status());
                changePace(now);
            }
        }
        Optional<Long> until = serverSaysWaitUntil(result, now);
        if (result.status() == 429) {
            sentSinceRoll = NONE;
            if (permit.probe() && permit.sentNanos() == countCheckSent && until.isEmpty() && counting == Counting.FIXED) {
                // refused where the first window was full, so soon after the roll: the window slides
                countCheckSent = NONE;
                probeOut = false;
                fallBackToSliding();
                slowDownAndProbe(permit, now);
                return;
            }
            onThrottled(permit, now, until);
            return;
        }
        if (result.isSuccess()) {
            streakAccepted++;
        }
        if (permit.probe() && permit.sentNanos() == countCheckSent) {
            // accepted beyond what the first window took: as a fixed window that rolled would
            countCheckSent = NONE;
            probeOut = false;
            probing = false;
            changePace(now);
            return;
        }
        if (permit.probe()) {
            probeOut = false;
            if (result.isSuccess()) {
                onProbeAccepted(permit, now);
            }
        }
        if (until.isPresent() && result.isSuccess()) {
            blockUntil(until.get(), "the server's X-RateLimit-Remaining is 0");
            changePace(now);
            return;
        }
        if (result.isSuccess() && permit.generation() == generation && !probing) {
            stepUp(now);
        }
    }

    /** The request sent under {@code permit} got no answer (timeout, reset): a probe's turn passes to the next request. */
    public synchronized void onNoAnswer(Permit permit) {
        opening = false;
        if (permit.probe()) {
            probeOut = false;
        }
        if (permit.sentNanos() == countCheckSent) {
            countCheckSent = NONE; // its turn passes to the next request, an ordinary probe
        }
    }

    private void onProbeAccepted(Permit permit, long now) {
        probing = false;
        long sent = permit.sentNanos();
        if (counting == Counting.FIXED) {
            if (checkUntil != NONE && sent < checkUntil - windowNanos / 50) {
                // a slot freed well before the predicted roll: the window slides; the told rate filled it, so halve
                fallBackToSliding();
                slowDown(permit, now);
                observedWindow = sent - streakStart;
            } else {
                if (checkUntil == NONE && roll == NONE && firstWindowAccepted != NONE && !countChecked) {
                    countChecked = true;
                    sentSinceRoll = 1; // this probe: the count check goes with the request after the first window's count
                }
                fixedConfirmed |= checkUntil != NONE;
                roll = sent; // the window rolled at or before this send
            }
            checkUntil = NONE;
        } else if (measuring) {
            // the streak that began at streakStart filled the window, whose first slot freed by this send
            observedWindow = sent - streakStart;
        }
        measuring = false;
        streakStart = sent;
        streakAccepted = 1;
        quietSince = now;
        changePace(now);
    }

    private void onThrottled(Permit permit, long now, Optional<Long> until) {
        boolean fresh = permit.generation() == generation;
        if (permit.probe()) {
            probeOut = false;
        }
        if (until.isPresent()) {
            if (fresh && counting == Counting.SLIDING) {
                if (!slowDown(permit, now)) {
                    observedWindow = until.get() - streakStart; // the server says when its window frees a slot
                }
                streakStart = until.get();
            }
            blockUntil(until.get(), "the server said when to retry (Retry-After or X-RateLimit-Reset)");
            probing = false;
            probeOut = false;
            measuring = false;
            checkUntil = NONE;
            changePace(now);
            return;
        }
        if (counting == Counting.FIXED) {
            onThrottledFixed(permit, now, fresh);
            return;
        }
        if (permit.probe()) {
            // the window is still full: probe again, later
            probePause = Math.min(probePause * 2, Math.max(windowNanos, FIRST_PROBE_PAUSE.toNanos()));
            blockUntil(now + probePause, PROBING);
            changePace(now);
            return;
        }
        if (fresh) {
            slowDownAndProbe(permit, now);
        }
    }

    /**
     * A 429 without a time to retry, from a provider said to count in fixed windows. The first window's roll is found
     * by probing; the next 429 checks (once) that the window really is fixed: it probes again, one request at a time
     * with doubling pauses up to the predicted roll. A fixed window refuses them all until it rolls; a window that
     * slides frees a slot earlier, or is still full after the roll (as is a 429 right after a predicted roll), and
     * the limiter then counts as {@link Counting#SLIDING} for the rest of the run.
     */
    private void onThrottledFixed(Permit permit, long now, boolean fresh) {
        if (permit.probe()) {
            if (checkUntil == NONE) {
                blockUntil(now + probePause, PROBING_FIXED);
            } else if (permit.sentNanos() >= checkUntil) {
                fallBackToSliding(); // waited to the predicted roll, and the window is still full
                slowDownAndProbe(permit, now);
                return;
            } else {
                probePause = Math.min(probePause * 2, checkUntil - now);
                blockUntil(now + probePause, CHECKING_FIXED);
            }
            changePace(now);
            return;
        }
        if (!fresh) {
            return; // one of the burst already counted
        }
        long sent = permit.sentNanos();
        long previous = roll == NONE ? NONE : roll + Math.floorDiv(sent - roll, windowNanos) * windowNanos;
        boolean rightAfterRoll = previous != NONE && sent - previous < windowNanos / 100;
        if (rightAfterRoll && !fixedConfirmed) {
            fallBackToSliding(); // the predicted roll did not clear the 429s
            slowDownAndProbe(permit, now);
            return;
        }
        long boundary = previous == NONE || rightAfterRoll ? NONE : previous + windowNanos;
        if (boundary != NONE && boundary > now && fixedConfirmed) {
            blockUntil(boundary, "waiting for the provider's fixed window to roll");
        } else if (boundary != NONE && boundary > now) {
            checkUntil = boundary;
            probing = true;
            probePause = fixedProbePause();
            blockUntil(now + probePause, CHECKING_FIXED);
        } else {
            // no boundary known yet, or the predicted one was wrong: find it
            if (roll == NONE && firstWindowAccepted == NONE) {
                firstWindowAccepted = streakAccepted;
            }
            roll = NONE;
            probing = true;
            probePause = fixedProbePause();
            blockUntil(now + probePause, PROBING_FIXED);
        }
        changePace(now);
    }

    private long fixedProbePause() {
        return Math.clamp(windowNanos / 60, Duration.ofMillis(10).toNanos(), Duration.ofMinutes(1).toNanos());
    }

    private void fallBackToSliding() {
        counting = Counting.SLIDING;
        roll = NONE;
        checkUntil = NONE;
        probing = false;
    }

    /**
     * A fresh 429 from a sliding window: slow down, then one request at a time until one is accepted. A sliding window
     * frees its first slot one window after the streak of accepted requests began, and the window is longer than the
     * streak took to fill it: the first probe waits that long (a second at most), then twice as long per refusal. A
     * step just above the good rate overfilled the window by a request or two, which frees soon.
     */
    private void slowDownAndProbe(Permit permit, long now) {
        boolean overshot = slowDown(permit, now);
        probing = true;
        measuring = !overshot;
        probePause = overshot ? FIRST_PROBE_PAUSE.toNanos() : Math.clamp(now - streakStart, FIRST_PROBE_PAUSE.toNanos(), MAX_FIRST_PROBE_PAUSE.toNanos());
        blockUntil(now + probePause, PROBING);
        changePace(now);
    }

    /**
     * A 429 at the rate {@code permit} was sent at: back to the remembered good rate if above it, held there for the
     * next hold (10 s, doubling up to 160 s) before another step (true: a step up overshot); else halve and forget it
     * (false).
     */
    private boolean slowDown(Permit permit, long now) {
        boolean overshot = goodSpacing != NONE && permit.spacingNanos() < goodSpacing;
        if (overshot) {
            spacing = goodSpacing;
            hold = Math.min(Math.max(hold * 2, QUIET.toNanos()), MAX_QUIET.toNanos());
            holding = true;
        } else {
            goodSpacing = NONE;
            spacing = Math.min(Math.max(spacing, permit.spacingNanos() * 2), configuredSpacing * MAX_SLOWDOWN);
            hold = 0;
            holding = false;
        }
        step = FIRST_STEP;
        quietSince = now;
        return overshot;
    }

    /**
     * After the current rate went one observed window (at most {@link #MAX_CLIMB_QUIET}; the hold after an overshoot)
     * without a 429: remember it as good and go faster by the next step.
     */
    private void stepUp(long now) {
        if (spacing <= configuredSpacing || now - quietSince < (holding ? hold : climbQuiet())) {
            return;
        }
        goodSpacing = spacing;
        spacing = Math.max(configuredSpacing, (long) (spacing / (1 + step)));
        step = Math.min(step * 2, 1.0);
        holding = false;
        quietSince = now;
    }

    /** How long a step up waits for its verdict: the window observed at the last halving, from 100 ms to 5 s. */
    private long climbQuiet() {
        long most = MAX_CLIMB_QUIET.toNanos();
        return observedWindow == NONE ? most : Math.clamp(observedWindow, FIRST_PROBE_PAUSE.toNanos(), most);
    }

    private void blockUntil(long until, String why) {
        if (until > blockedUntil) {
            blockedUntil = until;
            blockedBecause = why;
        }
    }

    /** Voids every reserved slot: waiters line up again from now or the end of a block. */
    private void changePace(long now) {
        generation++;
        nextFree = Math.max(now, blockedUntil);
    }

    /** When the answer's headers say the next request may go, if they say it must wait. */
    private Optional<Long> serverSaysWaitUntil(HttpResult result, long now) {
        if (result.status() == 429) {
            Optional<Duration> retryAfter = result.retryAfter(ticker.now());
            if (retryAfter.isPresent()) {
                return Optional.of(now + retryAfter.get().toNanos());
            }
        }
        Optional<Long> remaining = RateHeaders.remaining(result);
        boolean exhausted = remaining.map(r -> r <= 0).orElse(result.status() == 429);
        if (!exhausted) {
            return Optional.empty();
        }
        return RateHeaders.resetIn(result, ticker.now()).map(wait -> now + wait.toNanos());
    }

    public synchronized Duration currentSpacing() {
        return Duration.ofNanos(spacing);
    }

    /** How the limiter now treats a 429 without a time to retry: FIXED until the check finds a sliding window. */
    public synchronized Counting counting() {
        return counting;
    }

    /** Why and until when (ticker nanos) no permit is handed out, if that is now the case. */
    public synchronized Optional<String> blockedNow() {
        return blockedUntil > ticker.nanos() ? Optional.of(blockedBecause) : Optional.empty();
    }
}
