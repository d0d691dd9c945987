package io.stockingest.sink.s3;

/** The sink contract on an S3 lake: the JVM's shared S3-compatible test server, a new bucket per test. */
class S3LakeSinkContractTest extends LakeSinkContract {
    @Override
    protected Target newTarget() {
        String bucket = S3TestServer.newBucket();
        return lake("s3://" + bucket + "/lake", () -> S3TestServer.storage(bucket, "lake"));
    }
}
