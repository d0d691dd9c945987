/** sink-snowflake (filled by its own issue). */
package io.stockingest.sink.snowflake;
