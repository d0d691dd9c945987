package io.stockingest.app.dashboard;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.logging.Level;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.logging.LoggingPreferences;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * Debian's headless Chromium driven through its chromedriver (both from apt, never downloaded: Selenium Manager is
 * not asked), with a fresh profile and background networking off, so nothing but the dashboard is contacted.
 */
final class Browser implements AutoCloseable {
    static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
    static final Path SCREENSHOTS = Path.of("target", "dashboard-screenshots");

    final ChromeDriver driver;
    private final Path profile;

    Browser(int width, int height) {
        if (!Files.isExecutable(CHROMIUM) || !Files.isExecutable(CHROMEDRIVER)) {
            throw new IllegalStateException("The browser tests need Debian's chromium and chromium-driver: apt-get install -y chromium chromium-driver"
                    + " (.ci/run installs them)");
        }
        try {
            profile = Files.createTempDirectory("dashboard-chromium-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM.toFile());
        options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking",
                "--disable-component-update", "--disable-sync", "--no-first-run", "--no-default-browser-check", "--disable-extensions",
                "--user-data-dir=" + profile, "--window-size=" + width + "," + height, "--hide-scrollbars");
        LoggingPreferences logs = new LoggingPreferences();
        logs.enable(LogType.BROWSER, Level.ALL);
        options.setCapability("goog:loggingPrefs", logs);
        ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(new File(CHROMEDRIVER.toString())).usingAnyFreePort()
                .build();
        driver = new ChromeDriver(service, options);
    }

    /**
     * Opens a page of the dashboard and waits until it has drawn (the page marks itself ready). Another page of the
     * same dashboard is only a hash change away (no new document): see {@link #clickThrough}. The page shown already is
     * reloaded (going to the URL it has would change nothing, and nothing would mark it drawn again).
     */
    void open(String url) {
        clickThrough(() -> {
            if (url.equals(driver.getCurrentUrl())) {
                driver.navigate().refresh();
            } else {
                driver.get(url);
            }
        });
    }

    /** How long a page may take to draw: generous, a loaded machine runs the browser slowly (the wait ends when it is ready). */
    private static final Duration READY = Duration.ofSeconds(60);

    /**
     * Does {@code action} (a click that leads to another page of the dashboard) and waits until that page has drawn. The
     * page before it stays marked ready until the hash change reaches the router, which can come after the click
     * returns: waiting for {@code data-ready} alone could see the old page. Each drawing stamps {@code data-ready-ms}
     * anew, so the wait is for a ready page with a stamp other than the old one.
     */
    void clickThrough(Runnable action) {
        Object before = js("const p = document.getElementById('page'); return p ? p.dataset.readyMs : null");
        action.run();
        new WebDriverWait(driver, READY).until(d -> Boolean.TRUE.equals(js(
                "const p = document.getElementById('page'); return p !== null && p.getAttribute('data-ready') === 'true' && p.dataset.readyMs !== arguments[0]",
                before)));
    }

    Object js(String script, Object... args) {
        return driver.executeScript(script, args);
    }

    /** The browser console's lines since the last call (CSP violations and script errors show up here). */
    List<String> console() {
        return driver.manage().logs().get(LogType.BROWSER).getAll().stream().map(e -> e.getLevel() + " " + e.getMessage()).toList();
    }

    Path screenshot(String name) {
        try {
            Files.createDirectories(SCREENSHOTS);
            Path file = SCREENSHOTS.resolve(name + ".png");
            Files.write(file, driver.getScreenshotAs(OutputType.BYTES));
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        driver.quit();
        try (var walk = Files.walk(profile)) {
            for (Path p : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            // a leftover temporary profile is harmless
        }
    }
}
