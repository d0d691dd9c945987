package io.stockingest.core.spi;

import io.stockingest.core.config.Settings;

/**
 * Reads one small object named by a URI of the plugin's scheme (e.g. {@code --tickers-path s3://BUCKET/KEY}), with
 * the same client settings its sink uses. Missing objects are {@code USAGE} errors, refused access {@code AUTH}.
 */
public interface ObjectReader extends Capability {
    /** The UTF-8 text of the object at {@code uri}. */
    String readText(String uri, Settings settings);
}
