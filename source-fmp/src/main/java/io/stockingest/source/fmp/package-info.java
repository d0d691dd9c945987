/** source-fmp (filled by its own issue). */
package io.stockingest.source.fmp;
