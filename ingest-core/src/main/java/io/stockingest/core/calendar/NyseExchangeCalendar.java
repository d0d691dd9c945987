package io.stockingest.core.calendar;

import java.time.LocalDate;
import java.time.ZoneId;
import java.util.Optional;

/** {@link NyseCalendar} (unchanged) seen as an {@link ExchangeCalendar}: the calendar of every US venue. Thread-safe. */
final class NyseExchangeCalendar implements ExchangeCalendar {
    /** The NYSE rules are published through this year (the exchange's holiday page lists 2026 and 2027 at most). */
    static final int PUBLISHED_THROUGH = 2027;
    private final NyseCalendar nyse = NyseCalendar.instance();

    @Override
    public String code() {
        return "XNYS";
    }

    @Override
    public String name() {
        return "New York Stock Exchange";
    }

    @Override
    public ZoneId zone() {
        return NyseCalendar.NEW_YORK;
    }

    @Override
    public LocalDate first() {
        return NyseCalendar.FIRST;
    }

    @Override
    public LocalDate last() {
        return NyseCalendar.LAST;
    }

    @Override
    public int publishedThrough() {
        return PUBLISHED_THROUGH;
    }

    @Override
    public boolean isSession(LocalDate date) {
        return nyse.isSession(date);
    }

    @Override
    public Optional<String> closedReason(LocalDate date) {
        return nyse.closedReason(date);
    }

    @Override
    public Optional<Session> session(LocalDate date) {
        return nyse.session(date).map(s -> new Session(s.date(), s.open(), s.close()));
    }
}
