package io.stockingest.app;

import com.google.inject.Guice;
import com.google.inject.Injector;
import io.stockingest.core.calendar.Calendars;
import io.stockingest.core.config.Settings;
import io.stockingest.core.http.Ticker;
import io.stockingest.core.inject.CoreModule;
import io.stockingest.core.inject.Plugins;
import io.stockingest.core.metrics.RunReport;
import io.stockingest.core.model.DateRange;
import io.stockingest.core.model.Interval;
import io.stockingest.core.model.Symbol;
import io.stockingest.core.pipeline.PriceIngest;
import io.stockingest.core.pipeline.PriceJob;
import io.stockingest.core.pipeline.Progress;
import io.stockingest.core.pipeline.Shard;
import io.stockingest.core.spi.BarRequest;
import io.stockingest.core.spi.RunContext;
import io.stockingest.core.spi.Sink;
import io.stockingest.core.spi.Source;
import io.stockingest.core.spi.WriteOptions;
import io.stockingest.sink.s3.LakeSinkModule;
import io.stockingest.source.yahoo.YahooSourceModule;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;

/** The example of docs/embedding.md, word for word between the markers; EmbeddingExampleTest runs it. */
final class EmbeddingExample {
    private EmbeddingExample() {}

    static RunReport ingest(Map<String, String> environment, String lakeDirectory) {
        // --8<-- [start:example]
        Injector injector = Guice.createInjector(new CoreModule(), new YahooSourceModule(), new LakeSinkModule());
        Plugins plugins = injector.getInstance(Plugins.class);
        Settings settings = Settings.of(environment);            // or Settings.load(System.getenv(), Path.of(".env"), Map.of())

        try (Source yahoo = plugins.source("yahoo", settings);
                Sink lake = plugins.sink("parquet:" + lakeDirectory, settings)) {
            PriceJob job = new PriceJob(
                    List.of(Symbol.parse("AAPL")), Interval.D1,
                    new DateRange(LocalDate.of(2020, 8, 31), LocalDate.of(2020, 11, 6)),
                    BarRequest.Hours.REGULAR, WriteOptions.DEFAULT, Shard.ALL,
                    4,       // requests in flight
                    0.05);   // data-quality gate: at most 5% of a symbol's rows rejected
            PriceIngest ingest = new PriceIngest(yahoo, List.of(lake), Calendars.standard(), Ticker.SYSTEM, Progress.silent());
            return ingest.run(job, RunContext.start("prices", yahoo.name(), Ticker.SYSTEM.now()));
        }
        // --8<-- [end:example]
    }
}
