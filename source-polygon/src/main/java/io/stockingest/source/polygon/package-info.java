/** source-polygon (filled by its own issue). */
package io.stockingest.source.polygon;
