package io.stockingest.core.testkit;

import io.stockingest.core.http.Ticker;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;

/** A clock that moves only when someone sleeps on it (or a test advances it). Thread-safe. */
public final class FakeTicker implements Ticker {
    private final Instant origin;
    private final AtomicLong nanos = new AtomicLong();
    private final List<Duration> sleeps = new CopyOnWriteArrayList<>();

    public FakeTicker() {
        this(Instant.parse("2024-09-30T21:00:00Z"));
    }

    public FakeTicker(Instant origin) {
        this.origin = origin;
    }

    @Override
    public long nanos() {
        return nanos.get();
    }

    @Override
    public Instant now() {
        return origin.plusNanos(nanos.get());
    }

    @Override
    public void sleep(Duration duration) {
        sleeps.add(duration);
        if (duration.isPositive()) {
            nanos.addAndGet(duration.toNanos());
        }
    }

    public void advance(Duration duration) {
        nanos.addAndGet(duration.toNanos());
    }

    /** Every sleep requested so far, in order. */
    public List<Duration> sleeps() {
        return List.copyOf(sleeps);
    }
}
