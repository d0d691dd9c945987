package io.stockingest.core.testkit;

import io.stockingest.core.metrics.RunReport;
import io.stockingest.core.spi.Rejected;
import io.stockingest.core.spi.Sink;
import java.util.List;

/** The sink contract on {@link InMemorySink}: in memory, the target is the sink itself, so every writer is that instance. */
class InMemorySinkContractTest extends SinkContract {
    @Override
    protected Target newTarget() {
        InMemorySink memory = new InMemorySink();
        return new Target() {
            @Override
            public Sink open() {
                return memory;
            }

            @Override
            public List<StoredBar> dailyBars() {
                return memory.bars().values().stream().map(StoredBar::of).toList();
            }

            @Override
            public List<String> quarantinedRules() {
                return memory.quarantine().stream().map(Rejected::rule).toList();
            }

            @Override
            public List<String> runIds() {
                return memory.runs().stream().map(RunReport::runId).toList();
            }
        };
    }
}
