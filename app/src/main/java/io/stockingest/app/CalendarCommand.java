package io.stockingest.app;

import io.stockingest.core.ErrorKind;
import io.stockingest.core.IngestException;
import io.stockingest.core.calendar.NyseCalendar;
import io.stockingest.core.calendar.NyseCalendar.Session;
import java.io.PrintStream;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZonedDateTime;
import java.time.temporal.ChronoUnit;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code calendar}: the NYSE calendar from the command line. Exit codes: 0 done (for {@code is-session}: a session);
 * 1 {@code is-session} on a day the market is closed; 2 a bad or out-of-range date.
 */
@Command(name = "calendar", mixinStandardHelpOptions = true,
        description = "NYSE sessions, holidays and early closes; is the market open now, when does it next open or close.")
final class CalendarCommand implements Callable<Integer> {
    enum Format { csv, json }

    private final Environment env;
    private final NyseCalendar calendar = NyseCalendar.instance();

    CalendarCommand(Environment env) {
        this.env = env;
    }

    @Override
    public Integer call() {
        new CommandLine(this).usage(env.err());
        return 2;
    }

    @Command(name = "sessions", mixinStandardHelpOptions = true,
            description = "The sessions from --from to --to (inclusive) with their open and close in New York time.")
    int sessions(
            @Option(names = "--from", required = true, description = "First date, ISO (1990-01-01 or later)") String from,
            @Option(names = "--to", required = true, description = "Last date, ISO, inclusive (2100-12-31 or earlier)") String to,
            @Option(names = "--format", defaultValue = "csv", description = "csv or json (default: ${DEFAULT-VALUE})") Format format) {
        LocalDate first = date("--from", from);
        LocalDate last = date("--to", to);
        if (first.isAfter(last)) {
            throw new IngestException(ErrorKind.USAGE, "calendar sessions: --from " + first + " is after --to " + last);
        }
        List<Session> sessions = calendar.sessions(first, last);
        PrintStream out = env.out();
        if (format == Format.csv) {
            out.println("date,open,close");
            for (Session s : sessions) {
                out.println(s.date() + "," + iso(s.open()) + "," + iso(s.close()));
            }
        } else {
            StringBuilder json = new StringBuilder("[");
            for (int i = 0; i < sessions.size(); i++) {
                Session s = sessions.get(i);
                json.append(i == 0 ? "\n" : ",\n")
                        .append("  {\"date\":\"").append(s.date())
                        .append("\",\"open\":\"").append(iso(s.open()))
                        .append("\",\"close\":\"").append(iso(s.close())).append("\"}");
            }
            out.println(json.append(sessions.isEmpty() ? "]" : "\n]"));
        }
        out.flush();
        return 0;
    }

    @Command(name = "status", mixinStandardHelpOptions = true,
            description = "Whether the market is open, and its next open and close, in New York time and UTC.")
    int status(@Option(names = "--at", description = "The instant to ask about, ISO-8601 (e.g. 2024-07-03T16:30:00Z); default: now") String at) {
        Instant instant = (at == null ? env.ticker().now() : instant(at)).truncatedTo(ChronoUnit.SECONDS);
        try {
            boolean open = calendar.isOpen(instant);
            ZonedDateTime nextClose = calendar.nextClose(instant);
            ZonedDateTime nextOpen = calendar.nextOpen(instant);
            PrintStream out = env.out();
            out.println(open ? "open" : "closed");
            out.println("at:         " + iso(instant.atZone(NyseCalendar.NEW_YORK)) + "  " + instant);
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
            description = "Prints yes and exits 0 if DATE is a session, prints no and exits 1 otherwise.")
    int isSession(@Parameters(paramLabel = "DATE", description = "An ISO date") String date) {
        boolean session = calendar.isSession(date("DATE", date));
        env.out().println(session ? "yes" : "no");
        env.out().flush();
        return session ? 0 : 1;
    }

    private static String iso(ZonedDateTime time) {
        return time.toOffsetDateTime().toString();
    }

    private static LocalDate date(String name, String text) {
        LocalDate date;
        try {
            date = LocalDate.parse(text);
        } catch (DateTimeParseException e) {
            throw new IngestException(ErrorKind.USAGE, "calendar: " + name + " '" + text + "' is not an ISO date (YYYY-MM-DD)");
        }
        if (date.isBefore(NyseCalendar.FIRST) || date.isAfter(NyseCalendar.LAST)) {
            throw new IngestException(ErrorKind.USAGE, "calendar: " + name + " " + date + " is outside the NYSE calendar's range "
                    + NyseCalendar.FIRST + ".." + NyseCalendar.LAST);
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
