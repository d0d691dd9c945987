/** sink-postgres (filled by its own issue). */
package io.stockingest.sink.postgres;
