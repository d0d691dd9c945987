package io.stockingest.sink.iceberg;

import static java.util.Objects.requireNonNull;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import org.apache.iceberg.Schema;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.Table;
import org.apache.iceberg.UpdateProperties;
import org.apache.iceberg.catalog.Catalog;
import org.apache.iceberg.catalog.Namespace;
import org.apache.iceberg.catalog.SupportsNamespaces;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.exceptions.CommitFailedException;
import org.apache.iceberg.exceptions.NoSuchTableException;

/**
 * The sink's tables in one namespace of a catalog: created on first use with the lake's columns, partitioning, sort
 * order and {@link IcebergTable#PROPERTIES}; a table that lacks a column the lake has gained gets it as an optional
 * column by name (schema evolution by field id: no data file is rewritten, old rows read it as null). Concurrent
 * creators (shards starting together) all end with the same table: on a SQLite catalog they create one at a time
 * ({@link CatalogLock}), elsewhere the loser of a race loads the winner's table.
 *
 * <p>Not thread-safe: used on the sink's I/O thread.
 */
public final class IcebergTables {
    private final Catalog catalog;
    private final CatalogLock lock;
    private final Namespace namespace;
    private final Map<IcebergTable, Table> loaded = new EnumMap<>(IcebergTable.class);

    IcebergTables(Catalog catalog, String namespace, CatalogLock lock) {
        this.catalog = requireNonNull(catalog, "catalog is null");
        this.lock = requireNonNull(lock, "lock is null");
        this.namespace = Namespace.of(requireNonNull(namespace, "namespace is null"));
    }

    TableIdentifier id(IcebergTable def) {
        return TableIdentifier.of(namespace, def.tableName());
    }

    boolean exists(IcebergTable def) {
        return loaded.containsKey(def) || catalog.tableExists(id(def));
    }

    /** The table as the catalog holds it, refreshed, or empty when it does not exist; never creates or evolves (serve). */
    java.util.Optional<Table> existing(IcebergTable def) {
        if (!catalog.tableExists(id(def))) {
            return java.util.Optional.empty();
        }
        Table table = catalog.loadTable(id(def));
        table.refresh();
        return java.util.Optional.of(table);
    }

    /** The table, created or evolved to the lake's columns if needed. */
    Table table(IcebergTable def) {
        Table table = loaded.get(def);
        if (table == null) {
            table = lock.around(() -> ensure(def));
            loaded.put(def, table);
        }
        return table;
    }

    /** Loads (creating or evolving as needed) every table; one line per table for {@code db migrate}. */
    public List<String> migrate() {
        List<String> lines = new ArrayList<>();
        for (IcebergTable def : IcebergTable.values()) {
            boolean existed = catalog.tableExists(id(def));
            int columnsBefore = existed ? catalog.loadTable(id(def)).schema().columns().size() : 0;
            Table table = table(def);
            int added = table.schema().columns().size() - columnsBefore;
            lines.add(id(def) + ": " + (!existed ? "created" : added > 0 ? added + " columns added" : "up to date"));
        }
        return lines;
    }

    /** What {@link #migrate} would do, one line per table; creates and changes nothing. */
    public List<String> planMigration() {
        List<String> lines = new ArrayList<>();
        for (IcebergTable def : IcebergTable.values()) {
            if (!catalog.tableExists(id(def))) {
                lines.add(id(def) + ": would be created (" + def.schema().columns().size() + " columns, partitioned by " + def.spec(def.schema()).fields() + ")");
                continue;
            }
            Schema current = catalog.loadTable(id(def)).schema();
            List<String> missing = def.schema().columns().stream().filter(c -> current.findField(c.name()) == null).map(c -> c.name()).toList();
            lines.add(id(def) + ": " + (missing.isEmpty() ? "up to date" : "would gain " + String.join(", ", missing)));
        }
        return lines;
    }

    /** One line per table for {@code db info}: location, schema, partitioning, current snapshot. */
    public List<String> info() {
        List<String> lines = new ArrayList<>();
        for (IcebergTable def : IcebergTable.values()) {
            if (!catalog.tableExists(id(def))) {
                lines.add(id(def) + ": missing (run db migrate, or any write creates it)");
                continue;
            }
            Table table = catalog.loadTable(id(def));
            Snapshot current = table.currentSnapshot();
            lines.add(id(def) + ": format v" + ((org.apache.iceberg.HasTableOperations) table).operations().current().formatVersion()
                    + ", partitioned by " + table.spec().fields() + ", sorted by " + table.sortOrder().fields()
                    + ", " + (current == null ? "no snapshot" : "snapshot " + current.snapshotId() + " (" + current.summary().getOrDefault("total-records", "?")
                    + " rows, " + current.summary().getOrDefault("total-data-files", "?") + " files, run " + current.summary().getOrDefault("stock-ingest.run-id", "-") + ")")
                    + ", " + table.location());
        }
        return lines;
    }

    private Table ensure(IcebergTable def) {
        if (catalog instanceof SupportsNamespaces namespaces && !namespaces.namespaceExists(namespace)) {
            try {
                namespaces.createNamespace(namespace);
            } catch (RuntimeException raced) {
                // another process created it first (a JDBC catalog may report it as a key violation)
                if (!namespaces.namespaceExists(namespace)) {
                    throw raced;
                }
            }
        }
        Table table;
        try {
            table = catalog.loadTable(id(def));
        } catch (NoSuchTableException missing) {
            Schema schema = def.schema();
            try {
                table = catalog.buildTable(id(def), schema)
                        .withPartitionSpec(def.spec(schema))
                        .withSortOrder(def.sortOrder(schema))
                        .withProperties(IcebergTable.PROPERTIES)
                        .create();
            } catch (RuntimeException raced) {
                // another process created it first (AlreadyExistsException, or a key violation of the JDBC catalog)
                if (!catalog.tableExists(id(def))) {
                    throw raced;
                }
                table = catalog.loadTable(id(def));
            }
        }
        evolve(table, def);
        return table;
    }

    private static void evolve(Table table, IcebergTable def) {
        for (int attempt = 1; ; attempt++) {
            try {
                boolean missing = def.schema().columns().stream().anyMatch(c -> table.schema().findField(c.name()) == null);
                if (missing) {
                    table.updateSchema().unionByNameWith(def.schema()).commit();
                }
                UpdateProperties props = table.updateProperties();
                boolean change = false;
                for (var p : IcebergTable.PROPERTIES.entrySet()) {
                    if (!p.getKey().equals("format-version") && !p.getValue().equals(table.properties().get(p.getKey()))) {
                        props.set(p.getKey(), p.getValue());
                        change = true;
                    }
                }
                if (change) {
                    props.commit();
                }
                return;
            } catch (CommitFailedException e) {
                if (attempt >= 5) {
                    throw e;
                }
                table.refresh();
            }
        }
    }
}
