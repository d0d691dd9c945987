package io.stockingest.core.model;

import static java.util.Objects.requireNonNull;

import java.time.ZoneId;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Where a symbol trades: an ISO 10383 market identifier code ({@code XNYS}, {@code XLON}, {@code XSHG}) where one
 * exists, {@code CRYPTO} for crypto pairs (every UTC day), {@code FX} for currency pairs, {@code US} for a US
 * listing or index whose exchange the provider did not name (the NYSE calendar applies), and the venue's time zone.
 *
 * <p>The code is stored with every row (the {@code venue} column) so readers can tell listings apart; the zone
 * dates a venue the calendars do not know. Two venues are equal when code and zone are.
 */
public record Venue(String code, ZoneId zone) {
    private static final Pattern CODE = Pattern.compile("[A-Z0-9]{2,12}");
    private static final ZoneId NEW_YORK = ZoneId.of("America/New_York");

    public static final Venue US = new Venue("US", NEW_YORK);
    public static final Venue XNYS = new Venue("XNYS", NEW_YORK);
    public static final Venue XNAS = new Venue("XNAS", NEW_YORK);
    public static final Venue ARCX = new Venue("ARCX", NEW_YORK);
    public static final Venue XASE = new Venue("XASE", NEW_YORK);
    public static final Venue BATS = new Venue("BATS", NEW_YORK);
    public static final Venue OTCM = new Venue("OTCM", NEW_YORK);
    public static final Venue XLON = new Venue("XLON", ZoneId.of("Europe/London"));
    public static final Venue XETR = new Venue("XETR", ZoneId.of("Europe/Berlin"));
    public static final Venue XFRA = new Venue("XFRA", ZoneId.of("Europe/Berlin"));
    public static final Venue XTSE = new Venue("XTSE", ZoneId.of("America/Toronto"));
    public static final Venue XTSX = new Venue("XTSX", ZoneId.of("America/Toronto"));
    public static final Venue XTKS = new Venue("XTKS", ZoneId.of("Asia/Tokyo"));
    public static final Venue XHKG = new Venue("XHKG", ZoneId.of("Asia/Hong_Kong"));
    public static final Venue XSHG = new Venue("XSHG", ZoneId.of("Asia/Shanghai"));
    public static final Venue XSHE = new Venue("XSHE", ZoneId.of("Asia/Shanghai"));
    public static final Venue CRYPTO = new Venue("CRYPTO", ZoneId.of("UTC"));
    public static final Venue FX = new Venue("FX", NEW_YORK);

    /** The venues named here, by code. */
    private static final Map<String, Venue> KNOWN = Map.ofEntries(
            entry(US), entry(XNYS), entry(XNAS), entry(ARCX), entry(XASE), entry(BATS), entry(OTCM), entry(XLON), entry(XETR),
            entry(XFRA), entry(XTSE), entry(XTSX), entry(XTKS), entry(XHKG), entry(XSHG), entry(XSHE), entry(CRYPTO), entry(FX));

    /**
     * Yahoo-style exchange suffixes (the spelling Yahoo and FMP share), longest first where one ends another. Each
     * names the venue's ISO 10383 MIC and zone.
     */
    private static final List<Map.Entry<String, Venue>> SUFFIXES = List.of(
            Map.entry(".L", XLON), Map.entry(".IL", XLON), Map.entry(".DE", XETR), Map.entry(".F", XFRA), Map.entry(".TO", XTSE),
            Map.entry(".V", XTSX), Map.entry(".T", XTKS), Map.entry(".HK", XHKG), Map.entry(".SS", XSHG), Map.entry(".SZ", XSHE),
            Map.entry(".PA", new Venue("XPAR", ZoneId.of("Europe/Paris"))), Map.entry(".AS", new Venue("XAMS", ZoneId.of("Europe/Amsterdam"))),
            Map.entry(".BR", new Venue("XBRU", ZoneId.of("Europe/Brussels"))), Map.entry(".MI", new Venue("XMIL", ZoneId.of("Europe/Rome"))),
            Map.entry(".MC", new Venue("XMAD", ZoneId.of("Europe/Madrid"))), Map.entry(".SW", new Venue("XSWX", ZoneId.of("Europe/Zurich"))),
            Map.entry(".ST", new Venue("XSTO", ZoneId.of("Europe/Stockholm"))), Map.entry(".CO", new Venue("XCSE", ZoneId.of("Europe/Copenhagen"))),
            Map.entry(".OL", new Venue("XOSL", ZoneId.of("Europe/Oslo"))), Map.entry(".HE", new Venue("XHEL", ZoneId.of("Europe/Helsinki"))),
            Map.entry(".VI", new Venue("XWBO", ZoneId.of("Europe/Vienna"))), Map.entry(".AX", new Venue("XASX", ZoneId.of("Australia/Sydney"))),
            Map.entry(".NZ", new Venue("XNZE", ZoneId.of("Pacific/Auckland"))), Map.entry(".KS", new Venue("XKRX", ZoneId.of("Asia/Seoul"))),
            Map.entry(".TW", new Venue("XTAI", ZoneId.of("Asia/Taipei"))), Map.entry(".SI", new Venue("XSES", ZoneId.of("Asia/Singapore"))),
            Map.entry(".NS", new Venue("XNSE", ZoneId.of("Asia/Kolkata"))), Map.entry(".BO", new Venue("XBOM", ZoneId.of("Asia/Kolkata"))),
            Map.entry(".JK", new Venue("XIDX", ZoneId.of("Asia/Jakarta"))), Map.entry(".SA", new Venue("BVMF", ZoneId.of("America/Sao_Paulo"))),
            Map.entry(".MX", new Venue("XMEX", ZoneId.of("America/Mexico_City"))), Map.entry(".JO", new Venue("XJSE", ZoneId.of("Africa/Johannesburg"))));

    /** A crypto pair in Yahoo's spelling: {@code BTC-USD}, {@code ETH-EUR}. */
    private static final Pattern CRYPTO_PAIR = Pattern.compile("[A-Z0-9]{2,10}-(USD|USDT|USDC|EUR|GBP|JPY|BTC|ETH)");

    public Venue {
        requireNonNull(code, "code is null");
        requireNonNull(zone, "zone is null");
        if (!CODE.matcher(code).matches()) {
            throw new IllegalArgumentException("Invalid venue '" + Symbol.printable(code) + "': use 2-12 characters of A-Z and 0-9 (e.g. XNYS, XLON, CRYPTO)");
        }
    }

    private static Map.Entry<String, Venue> entry(Venue venue) {
        return Map.entry(venue.code(), venue);
    }

    /** A venue named here ({@code XLON}, {@code CRYPTO}, ...), case-insensitive. */
    public static Optional<Venue> known(String code) {
        requireNonNull(code, "code is null");
        return Optional.ofNullable(KNOWN.get(code.strip().toUpperCase(java.util.Locale.ROOT)));
    }

    /**
     * A stored venue code read back for {@code symbol}: a venue named here, else the symbol's suffix venue if it has
     * that code, else the code in UTC (a venue known only by its code; its zone was not stored).
     */
    public static Venue stored(String code, Symbol symbol) {
        return known(code).or(() -> bySuffix(symbol).filter(v -> v.code().equals(code)))
                .orElseGet(() -> new Venue(code, ZoneId.of("UTC")));
    }

    /**
     * The venue a symbol's spelling implies when the provider says nothing: {@code =X} FX, {@code -USD} (and other
     * quote currencies) crypto, an exchange suffix ({@code .L}, {@code .DE}, {@code .TO}, {@code .T}, {@code .HK},
     * {@code .SS}, {@code .SZ}, ...), else {@link #US}.
     */
    public static Venue ofSymbol(Symbol symbol) {
        return bySuffix(symbol).orElse(US);
    }

    /** The venue a symbol's spelling names, if it names one (see {@link #ofSymbol}). */
    public static Optional<Venue> bySuffix(Symbol symbol) {
        String value = requireNonNull(symbol, "symbol is null").value();
        if (value.indexOf('.') < 0 && value.indexOf('-') < 0 && value.indexOf('=') < 0) {
            return Optional.empty(); // the common case, asked once per bar: no suffix at all
        }
        if (value.endsWith("=X")) {
            return Optional.of(FX);
        }
        if (CRYPTO_PAIR.matcher(value).matches()) {
            return Optional.of(CRYPTO);
        }
        for (Map.Entry<String, Venue> suffix : SUFFIXES) {
            if (value.endsWith(suffix.getKey()) && value.length() > suffix.getKey().length()) {
                return Optional.of(suffix.getValue());
            }
        }
        return Optional.empty();
    }

    @Override
    public String toString() {
        return code;
    }
}
