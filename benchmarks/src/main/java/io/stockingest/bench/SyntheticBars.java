package io.stockingest.bench;

import io.stockingest.core.calendar.NyseCalendar;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;

/**
 * Deterministic daily bars: a bar depends only on (symbol, date), so any range of any symbol gives the same values
 * every time. Prices follow a slow wave around a per-symbol base with per-day noise; they are positive, OHLC-consistent
 * and rounded to cents. Dates are the NYSE sessions of the range.
 */
final class SyntheticBars {
    private SyntheticBars() {
    }

    /** One day's bar. */
    record Day(LocalDate date, double open, double high, double low, double close, long volume) {
    }

    static Day day(String symbol, LocalDate date) {
        long seed = mix(symbol.hashCode());
        long e = date.toEpochDay();
        double base = 20 + (seed >>> 1) % 480;
        double mid = base * (1 + 0.25 * Math.sin(e / 45.0 + (seed & 1023)));
        long h = mix(seed ^ e * 0x9E3779B97F4A7C15L);
        double open = cents(mid * (1 + 0.02 * (unit(h) - 0.5)));
        double close = cents(mid * (1 + 0.02 * (unit(h >>> 11) - 0.5)));
        double high = cents(Math.max(open, close) * (1 + 0.01 * unit(h >>> 22)));
        double low = cents(Math.min(open, close) * (1 - 0.01 * unit(h >>> 33)));
        long volume = 100_000 + Math.floorMod(h, 50_000_000L);
        return new Day(date, open, high, low, close, volume);
    }

    static List<Day> days(String symbol, LocalDate from, LocalDate to) {
        List<Day> out = new ArrayList<>();
        for (LocalDate date : SyntheticProvider.sessions(from, to)) {
            out.add(day(symbol, date));
        }
        return out;
    }

    /** FMP {@code /stable/historical-price-eod/full}: a flat array, newest first, pretty-printed with 2 spaces. */
    static String fmpStable(String symbol, LocalDate from, LocalDate to) {
        List<Day> days = days(symbol, from, to);
        StringBuilder out = new StringBuilder(days.size() * 240 + 4).append('[');
        for (int i = days.size() - 1; i >= 0; i--) {
            Day d = days.get(i);
            double change = d.close - d.open;
            out.append(i == days.size() - 1 ? "\n" : ",\n")
                    .append("  {\n    \"symbol\": \"").append(symbol).append("\",\n    \"date\": \"").append(d.date)
                    .append("\",\n    \"open\": ").append(d.open).append(",\n    \"high\": ").append(d.high)
                    .append(",\n    \"low\": ").append(d.low).append(",\n    \"close\": ").append(d.close)
                    .append(",\n    \"volume\": ").append(d.volume).append(",\n    \"change\": ").append(round(change, 4))
                    .append(",\n    \"changePercent\": ").append(round(change / d.open * 100, 5))
                    .append(",\n    \"vwap\": ").append(round((d.open + d.high + d.low + d.close) / 4, 4)).append("\n  }");
        }
        return out.append(days.isEmpty() ? "]" : "\n]").toString();
    }

    /** Polygon {@code /v2/aggs/ticker/{T}/range/1/day/{from}/{to}}: {@code t} is midnight New York in epoch ms. */
    static String polygonAggs(String ticker, LocalDate from, LocalDate to) {
        List<Day> days = days(ticker, from, to);
        StringBuilder out = new StringBuilder(days.size() * 140 + 200);
        out.append("{\"ticker\":\"").append(ticker).append("\",\"queryCount\":").append(days.size()).append(",\"resultsCount\":")
                .append(days.size()).append(",\"adjusted\":true,\"results\":[");
        for (int i = 0; i < days.size(); i++) {
            Day d = days.get(i);
            long t = d.date.atStartOfDay(NyseCalendar.NEW_YORK).toInstant().toEpochMilli();
            out.append(i == 0 ? "" : ",").append("{\"v\":").append(d.volume).append(",\"vw\":")
                    .append(round((d.high + d.low + d.close) / 3, 4)).append(",\"o\":").append(d.open).append(",\"c\":").append(d.close)
                    .append(",\"h\":").append(d.high).append(",\"l\":").append(d.low).append(",\"t\":").append(t)
                    .append(",\"n\":").append(d.volume / 97).append('}');
        }
        return out.append("],\"status\":\"OK\",\"request_id\":\"synthetic\",\"count\":").append(days.size()).append('}').toString();
    }

    /** Yahoo {@code /v8/finance/chart/{T}} with {@code interval=1d}: timestamps at the session open. */
    static String yahooChart(String ticker, LocalDate from, LocalDate to) {
        List<Day> days = days(ticker, from, to);
        StringBuilder ts = new StringBuilder();
        StringBuilder open = new StringBuilder();
        StringBuilder high = new StringBuilder();
        StringBuilder low = new StringBuilder();
        StringBuilder close = new StringBuilder();
        StringBuilder volume = new StringBuilder();
        for (int i = 0; i < days.size(); i++) {
            Day d = days.get(i);
            String sep = i == 0 ? "" : ",";
            long epoch = NyseCalendar.instance().session(d.date).orElseThrow().openInstant().getEpochSecond();
            ts.append(sep).append(epoch);
            open.append(sep).append(d.open);
            high.append(sep).append(d.high);
            low.append(sep).append(d.low);
            close.append(sep).append(d.close);
            volume.append(sep).append(d.volume);
        }
        return "{\"chart\":{\"result\":[{\"meta\":{\"currency\":\"USD\",\"symbol\":\"" + ticker + "\",\"exchangeName\":\"NMS\","
                + "\"instrumentType\":\"EQUITY\",\"gmtoffset\":-18000,\"timezone\":\"EST\",\"exchangeTimezoneName\":\"America/New_York\","
                + "\"dataGranularity\":\"1d\"},\"timestamp\":[" + ts + "],\"indicators\":{\"quote\":[{\"open\":[" + open + "],\"high\":[" + high
                + "],\"low\":[" + low + "],\"close\":[" + close + "],\"volume\":[" + volume + "]}],\"adjclose\":[{\"adjclose\":[" + close
                + "]}]}}],\"error\":null}}";
    }

    private static double cents(double value) {
        return Math.round(value * 100) / 100.0;
    }

    private static double round(double value, int places) {
        double scale = Math.pow(10, places);
        return Math.round(value * scale) / scale;
    }

    private static double unit(long bits) {
        return (bits & ((1L << 20) - 1)) / (double) (1L << 20);
    }

    private static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
