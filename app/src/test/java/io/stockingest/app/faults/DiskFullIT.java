package io.stockingest.app.faults;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 17 item 3 on the fat jar: the lake on a 1 MB tmpfs (needs root; skipped where mount is refused) fills up in
 * the middle of the run. The run exits 1 naming "No space left on device", leaves no temporary, and its summary counts
 * the files a reader finds (before, a batch that failed midway reported 0 for the files it had stored).
 */
class DiskFullIT {
    private static final Pattern WRITTEN = Pattern.compile("files +([0-9,]+) written");

    @TempDir
    Path work;

    @Test
    void aFullDiskLeavesNoTemporaryAndAnHonestCount() throws Exception {
        Path mountPoint = Files.createDirectories(work.resolve("small"));
        Assumptions.assumeTrue(SinkCheckIT.command("mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", mountPoint.toString()) == 0,
                "mounting a tmpfs needs root");
        try (SyntheticFmp fmp = new SyntheticFmp()) {
            List<String> symbols = IntStream.range(0, 20).mapToObj(i -> "SD" + (char) ('A' + i)).toList();
            FatJar.Run run = FatJar.run(work.resolve("run"), fmp.env(), Duration.ofMinutes(3), List.of(), "prices", "--source", "fmp", "--symbols",
                    String.join(",", symbols), "--from", "2024-11-01", "--to", "2024-11-29", "--sink", "parquet:" + mountPoint.resolve("lake"));

            assertThat(run.exit()).as("some symbols failed: %s", run.both()).isEqualTo(1);
            assertThat(run.both()).as("the reason is named").contains("No space left on device");
            List<String> files = Cli.files(mountPoint.resolve("lake"));
            assertThat(files).as("no temporary left").noneMatch(f -> f.endsWith(".tmp") || f.substring(f.lastIndexOf('/') + 1).startsWith("."));
            long parquet = files.stream().filter(f -> f.startsWith("raw/prices/") && f.endsWith(".parquet")).count();
            assertThat(parquet).as("the disk took some files, not all 380").isPositive().isLessThan(380);
            Matcher written = WRITTEN.matcher(run.out());
            assertThat(written.find()).as("a summary: %s", run.out()).isTrue();
            assertThat(Long.parseLong(written.group(1).replace(",", ""))).as("files written in the summary = files in the lake").isEqualTo(parquet);
        } finally {
            assertThat(SinkCheckIT.command("umount", mountPoint.toString())).as("umount").isZero();
        }
    }
}
