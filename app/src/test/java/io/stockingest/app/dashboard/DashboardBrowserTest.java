package io.stockingest.app.dashboard;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.interactions.Actions;

/**
 * Each page in headless Chromium over a PostgreSQL sink and over a lake filled by the same real ingests: the charts
 * drew (a canvas, series as long as the stored rows, axes spanning the data), runs and coverage click through, the
 * console shows no error or CSP violation, and every request stayed on the dashboard's origin. Screenshots of every
 * page go to target/dashboard-screenshots/.
 */
class DashboardBrowserTest {
    private static DashboardData data;
    private static Browser browser;

    @BeforeAll
    static void start() {
        data = DashboardData.get();
        browser = new Browser(1400, 1000);
    }

    @AfterAll
    static void stop() {
        if (browser != null) {
            browser.close();
        }
    }

    private static URI base(String sink) {
        return sink.equals("postgres") ? data.pgBase : data.lakeBase;
    }

    private static void open(String sink, String route) {
        browser.open(base(sink).resolve("/#/" + route).toString());
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> chartFacts(String id) {
        return (Map<String, Object>) browser.js("""
                const c = window.dashboard.charts[arguments[0]];
                if (!c) return null;
                const o = c.getOption();
                const axis = (kind, i) => c.getModel().getComponent(kind, i).axis.scale.getExtent();
                return {
                  canvas: c.getDom().querySelectorAll('canvas').length,
                  width: c.getWidth(), height: c.getHeight(),
                  series: o.series.map(s => ({ name: s.name, type: s.type, length: s.data.length,
                    marks: s.markPoint && s.markPoint.data ? s.markPoint.data.length : 0 })),
                  y0: axis('yAxis', 0), x0: axis('xAxis', 0)
                };
                """, id);
    }

    private static void assertCleanConsoleAndLocalRequests(String sink) {
        assertThat(browser.console()).as("console of " + sink).noneMatch(line -> line.startsWith("SEVERE") || line.contains("Content Security Policy"));
        @SuppressWarnings("unchecked")
        List<String> resources = (List<String>) browser.js("return performance.getEntriesByType('resource').map(e => e.name)");
        assertThat(resources).as("every request to the dashboard itself").allMatch(u -> u.startsWith(base(sink).toString()));
    }

    @ParameterizedTest
    @ValueSource(strings = {"postgres", "lake"})
    @SuppressWarnings("unchecked")
    void symbolPageDrawsCandlesVolumeAveragesVolatilityAndTheActions(String sink) {
        open(sink, "symbol/AAPL");
        Map<String, Object> facts = chartFacts("price-chart");
        assertThat(facts).as("the price chart exists").isNotNull();
        assertThat((Long) facts.get("canvas")).as("drawn on a canvas").isPositive();
        List<Map<String, Object>> series = (List<Map<String, Object>>) facts.get("series");
        assertThat(series).extracting(s -> s.get("name") + "/" + s.get("type") + "/" + s.get("length"))
                .containsExactly("AAPL/candlestick/49", "Volume/bar/49", "MA20/line/49", "MA50/line/49", "Volatility 20d/line/49");
        assertThat(series.getFirst().get("marks")).as("the split and the dividend marked").isEqualTo(2L);
        List<Number> y = (List<Number>) facts.get("y0");
        assertThat(y.get(0).doubleValue()).as("the price axis starts at or under the lowest low (107.72)").isLessThanOrEqualTo(107.72);
        assertThat(y.get(1).doubleValue()).as("and ends at or over the highest high (137.98)").isGreaterThanOrEqualTo(137.98);
        assertThat(((List<Number>) facts.get("x0"))).extracting(Number::intValue).containsExactly(0, 48);
        assertThat(browser.driver.findElement(By.cssSelector("#page h3")).getText()).contains("Last 7 sessions");
        browser.screenshot(sink + "-symbol-AAPL");

        browser.driver.findElement(By.cssSelector("button[data-range='1M']")).click();
        Map<String, Object> zoom = (Map<String, Object>) browser.js("return window.dashboard.charts['price-chart'].getOption().dataZoom[0]");
        assertThat(((Number) zoom.get("startValue")).intValue()).as("1M: from 2020-10-06, a month before the last session").isEqualTo(25);
        browser.screenshot(sink + "-symbol-AAPL-1M");

        open(sink, "symbol/TSLA?interval=30m");
        series = (List<Map<String, Object>>) chartFacts("price-chart").get("series");
        assertThat(series).extracting(s -> s.get("name") + "/" + s.get("length")).containsExactly("TSLA/13", "Volume/13");
        browser.screenshot(sink + "-symbol-TSLA-30m");
        assertCleanConsoleAndLocalRequests(sink);
    }

    @ParameterizedTest
    @ValueSource(strings = {"postgres", "lake"})
    @SuppressWarnings("unchecked")
    void optionsPageShowsTheChainWithTheStockBeside(String sink) {
        open(sink, "options/AAPL");
        assertThat(browser.driver.findElement(By.id("stock-price")).getText()).contains("close 118.69 on 2020-11-06");
        List<Map<String, Object>> series = (List<Map<String, Object>>) chartFacts("iv-chart").get("series");
        assertThat(series).extracting(s -> s.get("name") + "/" + s.get("length"))
                .containsExactly("2020-11-20 calls/5", "2020-11-20 puts/5", "2020-12-18 calls/5", "2020-12-18 puts/5");
        List<WebElement> tables = browser.driver.findElements(By.cssSelector("#page table"));
        assertThat(tables).as("one table per expiration").hasSize(2);
        assertThat(tables.getFirst().findElements(By.cssSelector("tbody tr"))).as("five strikes").hasSize(5);
        assertThat(tables.getFirst().findElement(By.cssSelector("tbody tr")).getText()).startsWith("11.09 11.29 29.25 0.40");
        browser.screenshot(sink + "-options-AAPL");
        assertCleanConsoleAndLocalRequests(sink);
    }

    @ParameterizedTest
    @ValueSource(strings = {"postgres", "lake"})
    @SuppressWarnings("unchecked")
    void fundamentalsPageChartsTheStatements(String sink) {
        open(sink, "fundamentals/AAPL");
        List<Map<String, Object>> series = (List<Map<String, Object>>) chartFacts("fundamentals-chart").get("series");
        assertThat(series).extracting(s -> s.get("name") + "/" + s.get("length")).contains("revenue/4", "netIncome/4");
        assertThat(browser.driver.findElement(By.cssSelector("#page table")).getText()).contains("revenue").contains("391,035,000,000");
        browser.screenshot(sink + "-fundamentals-AAPL");
        assertCleanConsoleAndLocalRequests(sink);
    }

    @ParameterizedTest
    @ValueSource(strings = {"postgres", "lake"})
    @SuppressWarnings("unchecked")
    void runsPageChartsEveryRunAndClicksThroughToOne(String sink) {
        open(sink, "runs");
        List<Map<String, Object>> series = (List<Map<String, Object>>) chartFacts("runs-chart").get("series");
        assertThat(series).allSatisfy(s -> assertThat(s.get("length")).as(s.get("name").toString()).isEqualTo(6L));
        assertThat(series).extracting(s -> s.get("name")).contains("duration (ms)", "rows written", "requests", "retries", "429s");
        browser.screenshot(sink + "-runs");
        List<WebElement> links = browser.driver.findElements(By.cssSelector("a.run-link"));
        assertThat(links).hasSize(6);
        WebElement msft = links.stream().filter(l -> {
            String row = l.findElement(By.xpath("./ancestor::tr")).getText();
            return row.endsWith(" 2");
        }).findFirst().orElseThrow();
        String runId = msft.getText();
        browser.clickThrough(msft::click);
        assertThat(browser.driver.findElement(By.tagName("h2")).getText()).isEqualTo("Run " + runId);
        assertThat(browser.driver.findElement(By.cssSelector("#page")).getText()).contains("MSFT");
        browser.screenshot(sink + "-run-detail");
        assertCleanConsoleAndLocalRequests(sink);
    }

    @ParameterizedTest
    @ValueSource(strings = {"postgres", "lake"})
    @SuppressWarnings("unchecked")
    void qualityPageShowsTheQuarantinedRows(String sink) {
        open(sink, "quality");
        List<Map<String, Object>> series = (List<Map<String, Object>>) chartFacts("quality-chart").get("series");
        assertThat(series).singleElement().satisfies(s -> assertThat(s.get("length")).as("two dates").isEqualTo(2L));
        List<WebElement> tables = browser.driver.findElements(By.cssSelector("#page table"));
        assertThat(tables.get(1).findElements(By.cssSelector("tbody tr"))).as("the two rows").hasSize(2);
        browser.screenshot(sink + "-quality");
        browser.clickThrough(tables.getFirst().findElement(By.linkText("MSFT"))::click);
        assertThat(browser.driver.findElement(By.tagName("h2")).getText()).endsWith("· MSFT");
        assertCleanConsoleAndLocalRequests(sink);
    }

    @ParameterizedTest
    @ValueSource(strings = {"postgres", "lake"})
    @SuppressWarnings("unchecked")
    void coverageHeatmapClicksThroughToTheMissingDates(String sink) {
        open(sink, "coverage");
        Map<String, Object> facts = chartFacts("coverage-chart");
        assertThat((Long) facts.get("canvas")).isPositive();
        assertThat(((List<Map<String, Object>>) facts.get("series")).getFirst().get("length")).as("2 symbols x 4 months").isEqualTo(8L);
        browser.screenshot(sink + "-coverage");
        // MSFT (row 1) in 2020-09 (column 1): where is that cell on the canvas?
        List<Number> pixel = (List<Number>) browser.js("return window.dashboard.charts['coverage-chart'].convertToPixel({seriesIndex: 0}, [1, 1])");
        WebElement chart = browser.driver.findElement(By.id("coverage-chart"));
        int dx = pixel.get(0).intValue() - chart.getSize().getWidth() / 2;
        int dy = pixel.get(1).intValue() - chart.getSize().getHeight() / 2;
        browser.clickThrough(() -> new Actions(browser.driver).moveToElement(chart, dx, dy).click().perform());
        assertThat(browser.driver.findElement(By.tagName("h2")).getText()).isEqualTo("MSFT · 2020-09: 20 stored of 21 sessions");
        assertThat(browser.driver.findElement(By.id("missing-dates")).getText()).isEqualTo("2020-09-16");
        browser.screenshot(sink + "-coverage-MSFT-2020-09");
        assertCleanConsoleAndLocalRequests(sink);
    }
}
