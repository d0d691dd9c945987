package io.stockingest.app;

import io.stockingest.core.ErrorKind;
import io.stockingest.core.IngestException;
import io.stockingest.core.calendar.Calendars;
import io.stockingest.core.calendar.ExchangeCalendar;
import io.stockingest.core.calendar.ExchangeCalendar.Session;
import java.io.PrintStream;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZonedDateTime;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code calendar}: every venue's calendar from the command line ({@code --exchange}, default {@code XNYS}). Exit
 * codes: 0 done (for {@code is-session}: a session); 1 {@code is-session} on a day the venue is closed; 2 a bad or
 * out-of-range date or an unknown exchange.
 */
@Command(name = "calendar", mixinStandardHelpOptions = true,
        description = "Sessions, holidays, early closes and lunch breaks of the NYSE and the other exchanges (calendar exchanges lists them);"
                + " is a market open now, when does it next open or close.")
final class CalendarCommand implements Callable<Integer> {
    enum Format { csv, json }

    private final Environment env;
    private final Calendars calendars = Calendars.standard();

    CalendarCommand(Environment env) {
        this.env = env;
    }

    @Override
    public Integer call() {
        new CommandLine(this).usage(env.err());
        return 2;
    }

    /** The {@code --exchange} option of every subcommand. */
    static final class Exchange {
        @Option(names = "--exchange", defaultValue = "XNYS", paramLabel = "MIC",
                description = "The venue: XNYS (default; also XNAS and the other US venues), XLON, XETR, XTSE, XTKS, XHKG, XSHG (also XSHE), CRYPTO, FX")
        String code;
    }

    private ExchangeCalendar calendar(Exchange exchange) {
        return calendars.byCode(exchange.code).orElseThrow(() -> new IngestException(ErrorKind.USAGE,
                "calendar: unknown exchange '" + exchange.code + "' (known: " + calendars.codes() + "; see calendar exchanges)"));
    }

    @Command(name = "exchanges", mixinStandardHelpOptions = true, description = "The calendars known here, with their time zone and range.")
    int exchanges() {
        PrintStream out = env.out();
        out.println("code,name,time_zone,first,last,published_through,lunch_break");
        for (ExchangeCalendar c : calendars.all()) {
            out.println(c.code() + "," + c.name().replace(",", "") + "," + c.zone() + "," + c.first() + "," + c.last() + ","
                    + (c.publishedThrough() >= c.last().getYear() ? "all" : c.publishedThrough()) + "," + (c.hasBreaks() ? "yes" : "no"));
        }
        out.flush();
        return 0;
    }

    @Command(name = "sessions", mixinStandardHelpOptions = true,
            description = "The sessions from --from to --to (inclusive) with their open and close (and lunch break) in the venue's time.")
    int sessions(
            @Option(names = "--from", required = true, description = "First date, ISO") String from,
            @Option(names = "--to", required = true, description = "Last date, ISO, inclusive") String to,
            @Option(names = "--format", defaultValue = "csv", description = "csv or json (default: ${DEFAULT-VALUE})") Format format,
            @CommandLine.Mixin Exchange exchange) {
        ExchangeCalendar calendar = calendar(exchange);
        LocalDate first = date(calendar, "--from", from);
        LocalDate last = date(calendar, "--to", to);
        if (first.isAfter(last)) {
            throw new IngestException(ErrorKind.USAGE, "calendar sessions: --from " + first + " is after --to " + last);
        }
        List<Session> sessions = calendar.sessions(first, last);
        boolean breaks = calendar.hasBreaks();
        PrintStream out = env.out();
        if (format == Format.csv) {
            out.println("date,open,close" + (breaks ? ",break_start,break_end" : ""));
            for (Session s : sessions) {
                out.println(s.date() + "," + iso(s.open()) + "," + iso(s.close())
                        + (breaks ? "," + (s.hasBreak() ? iso(s.breakStart()) + "," + iso(s.breakEnd()) : ",") : ""));
            }
        } else {
            StringBuilder json = new StringBuilder("[");
            for (int i = 0; i < sessions.size(); i++) {
                Session s = sessions.get(i);
                json.append(i == 0 ? "\n" : ",\n")
                        .append("  {\"date\":\"").append(s.date())
                        .append("\",\"open\":\"").append(iso(s.open()))
                        .append("\",\"close\":\"").append(iso(s.close())).append('"');
                if (s.hasBreak()) {
                    json.append(",\"break_start\":\"").append(iso(s.breakStart())).append("\",\"break_end\":\"").append(iso(s.breakEnd())).append('"');
                }
                json.append('}');
            }
            out.println(json.append(sessions.isEmpty() ? "]" : "\n]"));
        }
        if (calendar.isProjected(last)) {
            env.err().println("note: " + calendar.code() + " has published its sessions through " + calendar.publishedThrough()
                    + "; later dates are projected by its rules");
        }
        out.flush();
        return 0;
    }

    @Command(name = "status", mixinStandardHelpOptions = true,
            description = "Whether the venue is open, and its next open and close, in the venue's time and UTC.")
    int status(@Option(names = "--at", description = "The instant to ask about, ISO-8601 (e.g. 2024-07-03T16:30:00Z); default: now") String at,
            @CommandLine.Mixin Exchange exchange) {
        ExchangeCalendar calendar = calendar(exchange);
        Instant instant = (at == null ? env.ticker().now() : instant(at)).truncatedTo(ChronoUnit.SECONDS);
        LocalDate local = instant.atZone(calendar.zone()).toLocalDate();
        if (local.isBefore(calendar.first()) || local.isAfter(calendar.last())) {
            throw new IngestException(ErrorKind.USAGE, "calendar status: Instant " + instant + " (" + local + " in " + city(calendar)
                    + ") is outside the " + label(calendar) + " calendar's range " + calendar.first() + ".." + calendar.last());
        }
        try {
            boolean open = calendar.isOpen(instant);
            Optional<Session> breakNow = calendar.session(local).filter(s -> s.hasBreak()
                    && !instant.isBefore(s.breakStart().toInstant()) && instant.isBefore(s.breakEnd().toInstant()));
            ZonedDateTime nextClose = calendar.nextClose(instant);
            ZonedDateTime nextOpen = breakNow.map(Session::breakEnd).orElseGet(() -> calendar.nextOpen(instant));
            PrintStream out = env.out();
            out.println(open ? "open" : breakNow.isPresent() ? "closed (lunch break)" : "closed");
            out.println("at:         " + iso(instant.atZone(calendar.zone())) + "  " + instant);
            if (open) {
                out.println("next close: " + iso(nextClose) + "  " + nextClose.toInstant());
                out.println("next open:  " + iso(nextOpen) + "  " + nextOpen.toInstant());
            } else {
                out.println("next open:  " + iso(nextOpen) + "  " + nextOpen.toInstant());
                out.println("next close: " + iso(nextClose) + "  " + nextClose.toInstant());
            }
            out.flush();
            return 0;
        } catch (IllegalArgumentException e) {
            throw new IngestException(ErrorKind.USAGE, "calendar status: " + e.getMessage());
        }
    }

    @Command(name = "is-session", mixinStandardHelpOptions = true,
            description = "Prints yes and exits 0 if DATE is a session of the venue, prints no and exits 1 otherwise.")
    int isSession(@Parameters(paramLabel = "DATE", description = "An ISO date") String date, @CommandLine.Mixin Exchange exchange) {
        ExchangeCalendar calendar = calendar(exchange);
        boolean session = calendar.isSession(date(calendar, "DATE", date));
        env.out().println(session ? "yes" : "no");
        env.out().flush();
        return session ? 0 : 1;
    }

    private static String iso(ZonedDateTime time) {
        return time.toOffsetDateTime().toString();
    }

    /** How messages name the calendar: "NYSE" for XNYS (as before other calendars existed), else its code. */
    private static String label(ExchangeCalendar calendar) {
        return calendar.code().equals("XNYS") ? "NYSE" : calendar.code();
    }

    /** "New York" for America/New_York. */
    private static String city(ExchangeCalendar calendar) {
        String id = calendar.zone().getId();
        return id.substring(id.lastIndexOf('/') + 1).replace('_', ' ');
    }

    private static LocalDate date(ExchangeCalendar calendar, String name, String text) {
        LocalDate date;
        try {
            date = LocalDate.parse(text);
        } catch (DateTimeParseException e) {
            throw new IngestException(ErrorKind.USAGE, "calendar: " + name + " '" + text + "' is not an ISO date (YYYY-MM-DD)");
        }
        if (date.isBefore(calendar.first()) || date.isAfter(calendar.last())) {
            throw new IngestException(ErrorKind.USAGE, "calendar: " + name + " " + date + " is outside the " + label(calendar) + " calendar's range "
                    + calendar.first() + ".." + calendar.last());
        }
        return date;
    }

    private static Instant instant(String text) {
        try {
            return Instant.parse(text);
        } catch (DateTimeParseException e) {
            try {
                return OffsetDateTime.parse(text).toInstant();
            } catch (DateTimeParseException e2) {
                throw new IngestException(ErrorKind.USAGE, "calendar: --at '" + text + "' is not an ISO-8601 instant (e.g. 2024-07-03T16:30:00Z)");
            }
        }
    }
}
