package io.stockingest.app;

import java.util.List;
import java.util.Locale;

/**
 * How a run talks to people and log collectors: {@code --log-format text|json}, {@code --quiet} (warnings and
 * errors only: no progress, no summary) and {@code --verbose} (also the debug lines of retries and failures).
 * The three options are global: they may stand before or after the command's name.
 */
public record LogStyle(Format format, Level threshold) {
    public static final LogStyle DEFAULT = new LogStyle(Format.TEXT, Level.INFO);

    public enum Format { TEXT, JSON }

    public enum Level {
        DEBUG, INFO, WARN, ERROR;

        String label() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    public boolean quiet() {
        return threshold.compareTo(Level.WARN) >= 0;
    }

    /**
     * The style the arguments ask for. They are read here, before picocli parses the command line, because the
     * streams every command writes to must be chosen before the commands are built; picocli declares the same
     * options (so {@code --help} lists them and a bad value is a usage error, exit 2). The last of
     * {@code --quiet}/{@code --verbose} wins; a bad {@code --log-format} value leaves text, and picocli refuses it.
     */
    public static LogStyle of(List<String> args) {
        Format format = Format.TEXT;
        Level threshold = Level.INFO;
        for (int i = 0; i < args.size(); i++) {
            String arg = args.get(i);
            if (arg.equals("--")) {
                break;
            }
            String value = arg.startsWith("--log-format=") ? arg.substring("--log-format=".length())
                    : arg.equals("--log-format") && i + 1 < args.size() ? args.get(i + 1) : null;
            if (value != null && value.equalsIgnoreCase("json")) {
                format = Format.JSON;
            } else if (value != null && value.equalsIgnoreCase("text")) {
                format = Format.TEXT;
            }
            if (arg.equals("--quiet") || arg.equals("-q")) {
                threshold = Level.WARN;
            } else if (arg.equals("--verbose") || arg.equals("-v")) {
                threshold = Level.DEBUG;
            }
        }
        return new LogStyle(format, threshold);
    }
}
