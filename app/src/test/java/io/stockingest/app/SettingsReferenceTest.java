package io.stockingest.app;

import static org.assertj.core.api.Assertions.assertThat;

import io.stockingest.core.config.Settings;
import io.stockingest.core.http.Ticker;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Model.OptionSpec;

/**
 * docs/settings.md against the code, so the page cannot drift: every environment variable a main source that works
 * with {@link Settings} names (a SCREAMING_SNAKE string literal) is in the variables table with the right "secret"
 * mark, the table lists nothing the code does not read, and every command's table lists exactly that command's
 * flags (as picocli parses them, i.e. as {@code --help} prints them) with picocli's default where it has one.
 */
class SettingsReferenceTest {
    private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
    private static final Pattern LITERAL = Pattern.compile("\"([A-Z][A-Z0-9]*_[A-Z0-9_]+)\"");
    private static final Pattern VARIABLE_ROW = Pattern.compile("^\\|\\s*`([A-Z][A-Z0-9]*_[A-Z0-9_]+)`\\s*\\|([^|]*)\\|([^|]*)\\|([^|]*)\\|\\s*$",
            Pattern.MULTILINE);
    private static final Pattern FLAG_ROW = Pattern.compile("^\\|\\s*`(--[a-z][a-z-]*)[^|]*\\|([^|]*)\\|");
    private static final Pattern COMMAND_HEADING = Pattern.compile("^### `([a-z -]+)`");
    /** Literals of configuration classes that are not settings: a JDBC session parameter, an auth mode, a schema name. */
    private static final Set<String> NOT_SETTINGS = Set.of("JDBC_QUERY_RESULT_FORMAT", "SNOWFLAKE_JWT", "STOCK_INGEST");
    /** Read by the launcher script ./stock-ingest, not by the JVM. */
    private static final Set<String> LAUNCHER = Set.of("JAVA_OPTS", "STOCK_INGEST_OPTS", "JAVA_HOME", "STOCK_INGEST_CDS");

    private static Set<String> variablesInCode() throws IOException {
        Set<String> names = new TreeSet<>();
        try (Stream<Path> files = Files.walk(ROOT)) {
            // the benchmarks module is a developer's tool, not the product: its BENCH_* variables are in docs/performance.md
            for (Path file : files.filter(f -> f.toString().endsWith(".java") && f.toString().contains("/src/main/java/")
                    && !ROOT.relativize(f).startsWith("benchmarks")).toList()) {
                String text = Files.readString(file);
                if (!text.contains("Settings")) {
                    continue;
                }
                Matcher m = LITERAL.matcher(text);
                while (m.find()) {
                    if (!NOT_SETTINGS.contains(m.group(1))) {
                        names.add(m.group(1));
                    }
                }
            }
        }
        return names;
    }

    private static String page() throws IOException {
        return Files.readString(ROOT.resolve("docs/settings.md"));
    }

    /** The variables table: name to its "secret" cell. */
    private static Map<String, String> documentedVariables() throws IOException {
        Map<String, String> out = new TreeMap<>();
        Matcher m = VARIABLE_ROW.matcher(page());
        while (m.find()) {
            out.put(m.group(1), m.group(4).strip());
        }
        return out;
    }

    @Test
    void everyVariableTheCodeReadsIsDocumented() throws IOException {
        Set<String> inCode = variablesInCode();
        assertThat(inCode).as("variables found in the code").contains("FMP_API_KEY", "POLYGON_RATE_LIMIT", "DATABASE_URL", "S3_ENDPOINT");
        assertThat(documentedVariables().keySet()).as("variables in docs/settings.md's table").containsAll(inCode);
    }

    @Test
    void theReferenceDocumentsNoVariableTheCodeDoesNotRead() throws IOException {
        Set<String> inCode = variablesInCode();
        assertThat(documentedVariables().keySet()).isNotEmpty()
                .allSatisfy(name -> assertThat(inCode.contains(name) || LAUNCHER.contains(name))
                        .as("%s is documented but no configuration class reads it", name).isTrue());
    }

    @Test
    void aVariableIsMarkedSecretExactlyWhenItsValueIsRedacted() throws IOException {
        assertThat(documentedVariables()).isNotEmpty().allSatisfy((name, secret) -> assertThat(secret)
                .as("the secret column of %s", name).isEqualTo(Settings.isSecretName(name) ? "yes" : "no"));
    }

    @Test
    void everyCommandsTableListsExactlyItsFlagsWithTheirDefaults() throws IOException {
        Map<String, Map<String, String>> documented = documentedFlags();
        Map<String, Map<String, OptionSpec>> inCode = new TreeMap<>();
        collect(Main.commandLine(quietEnvironment(), false), inCode);
        assertThat(inCode).as("commands found").containsKeys("stock-ingest", "prices", "calendar sessions", "export");
        inCode.forEach((command, options) -> {
            Map<String, String> rows = documented.getOrDefault(command, Map.of());
            assertThat(rows.keySet()).as("flags of '%s' in docs/settings.md (its ### `%s` table)", command, command)
                    .containsExactlyInAnyOrderElementsOf(options.keySet());
            options.forEach((flag, option) -> {
                String cell = rows.get(flag);
                if (option.defaultValue() != null) {
                    assertThat(cell).as("default of %s %s in docs/settings.md", command, flag).contains("`" + option.defaultValue() + "`");
                }
                if (option.required()) {
                    assertThat(cell).as("%s %s is required", command, flag).contains("required");
                }
            });
        });
        assertThat(documented.keySet()).as("command sections in docs/settings.md").isSubsetOf(inCode.keySet());
    }

    /** Per {@code ### `command`} section, its table's flags and their default cells. */
    private static Map<String, Map<String, String>> documentedFlags() throws IOException {
        Map<String, Map<String, String>> out = new TreeMap<>();
        Map<String, String> current = null;
        for (String line : page().lines().toList()) {
            Matcher heading = COMMAND_HEADING.matcher(line);
            if (heading.find()) {
                current = new LinkedHashMap<>();
                out.put(heading.group(1), current);
            } else if (line.startsWith("## ")) {
                current = null;
            } else if (current != null) {
                Matcher row = FLAG_ROW.matcher(line);
                if (row.find()) {
                    current.put(row.group(1), row.group(2).strip());
                }
            }
        }
        return out;
    }

    /**
     * Each command's own options (inherited global ones are listed once, under {@code stock-ingest}) by their first long
     * name ({@code --symbols} of {@code --symbols}/{@code --underlying}).
     */
    private static void collect(CommandLine command, Map<String, Map<String, OptionSpec>> out) {
        String qualified = command.getCommandSpec().qualifiedName();
        String name = qualified.equals("stock-ingest") ? qualified : qualified.substring("stock-ingest ".length());
        Map<String, OptionSpec> options = new TreeMap<>();
        for (OptionSpec option : command.getCommandSpec().options()) {
            if (!option.usageHelp() && !option.versionHelp() && !option.inherited()) {
                options.put(Arrays.stream(option.names()).filter(each -> each.startsWith("--")).findFirst().orElse(option.longestName()), option);
            }
        }
        if (!options.isEmpty() || command.getSubcommands().isEmpty()) {
            out.put(name, options);
        }
        command.getSubcommands().values().forEach(sub -> collect(sub, out));
    }

    private static Environment quietEnvironment() {
        PrintStream nowhere = new PrintStream(OutputStream.nullOutputStream());
        return new Environment(Map.of(), ROOT, nowhere, nowhere, Ticker.SYSTEM, false);
    }
}
