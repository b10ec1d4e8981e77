package dev.wharf.storage.s3;

/** The store contract over Adobe S3Mock. */
class S3MockStoreTest extends S3StoreContract {
    @Override
    protected S3Server server() {
        return S3Server.shared(S3Server.Kind.S3MOCK);
    }
}
