package io.stockingest.app;

import static org.assertj.core.api.Assertions.assertThat;

import io.stockingest.core.testkit.FakeTicker;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MainTest {
    @TempDir
    Path work;

    @Test
    void bareCommandListsEveryCommandAndExitsTwo() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        Environment env = new Environment(Map.of(), work, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8), new FakeTicker(Instant.parse("2024-10-01T02:00:00Z")), false);
        int exit = Main.run(env);
        assertThat(exit).isEqualTo(2);
        assertThat(out.toString(StandardCharsets.UTF_8)).contains("Commands:")
                .contains("prices", "fundamentals", "options", "actions", "watch", "calendar", "db", "export", "runs");
    }

    /** Start-up builds the parser of the named command alone (issue 21): the names it looks for must be the commands'. */
    @Test
    void theCommandNamesStartUpLooksForAreEveryCommandsOwnName() {
        Environment env = new Environment(Map.of(), work, new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8),
                new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8), new FakeTicker(Instant.parse("2024-10-01T02:00:00Z")), false);
        assertThat(Main.commands(env, false).keySet()).containsExactlyElementsOf(Main.COMMAND_NAMES);
        assertThat(Main.commandLine(env, false).getSubcommands().keySet()).containsExactlyElementsOf(Main.COMMAND_NAMES);
        Main.commands(env, false).forEach((name, command) ->
                assertThat(command.get().getClass().getAnnotation(picocli.CommandLine.Command.class).name()).as(name).isEqualTo(name));
        for (String name : Main.COMMAND_NAMES) {
            assertThat(Main.commandLine(env, false, name).getSubcommands().keySet()).containsExactly(name);
        }
    }

    @Test
    void theNamedCommandIsTheFirstArgumentThatNamesOne() {
        assertThat(Main.named("prices", "--symbols", "AAPL")).isEqualTo("prices");
        assertThat(Main.named("--log-format", "json", "-q", "runs", "--limit", "3")).isEqualTo("runs");
        assertThat(Main.named("calendar", "sessions")).isEqualTo("calendar");
        assertThat(Main.named("--help")).isNull();
        assertThat(Main.named("--", "prices")).isNull();
        assertThat(Main.named()).isNull();
        // help and the version build no plugin registry ahead
        assertThat(Main.asksForHelp("prices", "--help")).isTrue();
        assertThat(Main.asksForHelp("-V")).isTrue();
        assertThat(Main.asksForHelp("prices", "--symbols", "AAPL")).isFalse();
        assertThat(Main.asksForHelp("prices", "--", "--help")).isFalse();
    }

    /** A usage error names the command and its options as before: the one command built is the one that runs. */
    @Test
    void anUnknownOptionOfTheNamedCommandIsStillAUsageErrorOfThatCommand() {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        Environment env = new Environment(Map.of(), work, new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8), new FakeTicker(Instant.parse("2024-10-01T02:00:00Z")), false);
        assertThat(Main.run(env, "prices", "--no-such-flag")).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("--no-such-flag").contains("stock-ingest prices --help");
    }
}
