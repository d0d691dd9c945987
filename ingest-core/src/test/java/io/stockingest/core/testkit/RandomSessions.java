package io.stockingest.core.testkit;

import io.stockingest.core.features.Session;
import io.stockingest.core.model.Adjustment;
import io.stockingest.core.model.Bar;
import io.stockingest.core.model.Interval;
import io.stockingest.core.model.Symbol;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/** Random irregular daily series for feature tests: gaps of 1..10 days, prices across 1e-4..1e6 (random walks and wild jumps). */
public final class RandomSessions {
    private RandomSessions() {}

    public static List<Session> series(SplittableRandom random, int length) {
        List<Session> sessions = new ArrayList<>(length);
        LocalDate date = LocalDate.of(1990, 1, 1).plusDays(random.nextInt(1000));
        boolean wild = random.nextInt(4) == 0;
        double price = Math.pow(10, random.nextDouble(-4, 6));
        for (int i = 0; i < length; i++) {
            date = date.plusDays(1 + random.nextInt(random.nextInt(10) == 0 ? 10 : 3));
            price = wild ? Math.pow(10, random.nextDouble(-4, 6)) : Math.min(1e6, Math.max(1e-4, price * Math.exp(random.nextGaussian() * 0.03)));
            double open = price * Math.exp(random.nextGaussian() * 0.01);
            double high = Math.max(open, price) * (1 + random.nextDouble() * 0.02);
            double low = Math.min(open, price) * (1 - random.nextDouble() * 0.02);
            sessions.add(new Session(date, open, high, low, price, random.nextLong(0, 5_000_000_000L)));
        }
        return sessions;
    }

    /** The sessions as daily bars of {@code symbol} (adj_close = close, source {@code test}). */
    public static List<Bar> bars(Symbol symbol, List<Session> sessions) {
        return sessions.stream().map(s -> new Bar(symbol, Interval.D1, s.date().atStartOfDay().toInstant(ZoneOffset.UTC), s.date(), s.open(), s.high(),
                s.low(), s.close(), s.close(), s.volume(), null, null, "test", Adjustment.NONE)).toList();
    }
}
