package io.stockingest.core.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.stockingest.core.http.Secrets;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SettingsTest {
    @TempDir
    Path dir;

    @Test
    void flagsWinOverEnvironmentWhichWinsOverDotEnv() throws IOException {
        Path env = dir.resolve(".env");
        Files.writeString(env, "\uFEFF# comment\nexport A=from-file\nB='single # kept'\nC=\"double \\\"quoted\\\"\\nline\"\nD=plain # comment\n\nE=file\n");
        Settings settings = Settings.load(Map.of("A", "from-env", "E", "env"), env, Map.of("E", "flag"));
        assertThat(settings.get("A")).contains("from-env");
        assertThat(settings.get("B")).contains("single # kept");
        assertThat(settings.get("C")).contains("double \"quoted\"\nline");
        assertThat(settings.get("D")).contains("plain");
        assertThat(settings.get("E")).contains("flag");
        assertThat(settings.get("MISSING", "fallback")).isEqualTo("fallback");
    }

    @Test
    void reportsBrokenLinesWithTheirNumber() throws IOException {
        Path env = dir.resolve(".env");
        Files.writeString(env, "OK=1\nnot a setting\n");
        assertThatThrownBy(() -> Settings.load(Map.of(), env, Map.of())).hasMessageEndingWith(".env line 2: expected NAME=value");
    }

    @Test
    void registersSecretLookingValues() {
        Settings.of(Map.of("FMP_API_KEY", "fmp-key-value-77", "PLAIN", "not-secret-value"));
        assertThat(Secrets.redact("fmp-key-value-77 not-secret-value")).isEqualTo("**** not-secret-value");
    }

    @Test
    void collectsEveryProblem() {
        ConfigProblems problems = new ConfigProblems();
        problems.check(() -> Integer.valueOf(problems.hashCode()));
        problems.add("first");
        problems.check(() -> {
            throw new IllegalArgumentException("second");
        });
        assertThatThrownBy(problems::throwIfAny).hasMessage("first\nsecond");
    }
}
