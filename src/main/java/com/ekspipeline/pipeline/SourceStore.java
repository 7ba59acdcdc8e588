package com.ekspipeline.pipeline;

import com.ekspipeline.core.Nag;
import com.ekspipeline.core.OwnedLogGroup;
import software.amazon.awscdk.Duration;
import software.amazon.awscdk.RemovalPolicy;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.services.s3.BlockPublicAccess;
import software.amazon.awscdk.services.s3.Bucket;
import software.amazon.awscdk.services.s3.BucketEncryption;
import software.amazon.awscdk.services.s3.LifecycleRule;
import software.amazon.awscdk.services.s3.ObjectOwnership;
import software.amazon.awscdk.services.s3.deployment.BucketDeployment;
import software.amazon.awscdk.services.s3.deployment.Source;
import software.constructs.IConstruct;

import java.nio.file.Path;
import java.util.List;

/**
 * Where releases come from and where the pipeline keeps its artifacts: the versioned source bucket
 * (seeded with this repository's sample service at deploy), the artifact bucket, and the bucket both log
 * their access to. All three are private, SSL-only, encrypted, and emptied and deleted by destroy.
 *
 * <p>The resources are created directly in the stack, not under a construct of their own, so their
 * logical IDs are those the deployed stacks already have: a new level would replace the buckets.
 */
final class SourceStore {

    /**
     * @param logRetentionDays how long access logs are kept
     * @param sourceObjectKey  the key of the source zip, e.g. {@code source/eks-pipeline.zip}
     */
    record Props(int logRetentionDays, String sourceObjectKey) {
    }

    /** Old versions of the source are kept this long; a run reads the artifact bucket's copy, not them. */
    static final int KEEP_DAYS = 30;

    /**
     * Objects of the artifact bucket are kept this long: longer than CodePipeline keeps an execution in
     * its history (12 months), so every execution a stage can roll back to, whose artifacts the rollback
     * runs again, still finds them. Only what no rollback can reach expires.
     * https://docs.aws.amazon.com/codepipeline/latest/APIReference/API_ListPipelineExecutions.html
     * https://docs.aws.amazon.com/codepipeline/latest/userguide/stage-rollback.html
     */
    static final int ARTIFACT_KEEP_DAYS = 400;

    private final Stack scope;
    private final String sourceObjectKey;
    private final Bucket sourceBucket;
    private final Bucket artifacts;

    SourceStore(final Stack scope, final Props props) {
        final Bucket accessLogs = Bucket.Builder.create(scope, "AccessLogs")
                .encryption(BucketEncryption.S3_MANAGED)
                .enforceSsl(true)
                .blockPublicAccess(BlockPublicAccess.BLOCK_ALL)
                .objectOwnership(ObjectOwnership.BUCKET_OWNER_ENFORCED)
                .lifecycleRules(List.of(LifecycleRule.builder()
                        .expiration(Duration.days(props.logRetentionDays())).build()))
                .removalPolicy(RemovalPolicy.DESTROY)
                .autoDeleteObjects(true)
                .build();
        sourceBucket = privateBucket(scope, "SourceBucket", accessLogs, "source/", true);
        artifacts = privateBucket(scope, "Artifacts", accessLogs, "artifacts/", false);
        this.scope = scope;
        this.sourceObjectKey = props.sourceObjectKey();
    }

    Bucket sourceBucket() {
        return sourceBucket;
    }

    Bucket artifacts() {
        return artifacts;
    }

    /**
     * The first upload of the source: this repository's sample service, so that the pipeline's first run
     * (CloudFormation starts one when it creates the pipeline) has something to ship. The pipeline is
     * made to wait for it, and creates it just before itself.
     */
    IConstruct seed() {
        final BucketDeployment seed = BucketDeployment.Builder.create(scope, "SeedSource")
                .sources(List.of(Source.asset(SourceBundle.stage(Path.of(""),
                        Path.of("target", "source-bundle"), sourceObjectKey).toString())))
                .destinationBucket(sourceBucket)
                .destinationKeyPrefix(keyPrefix(sourceObjectKey))
                .extract(true)
                .prune(false)
                .retainOnDelete(false)
                .memoryLimit(512)
                .logGroup(OwnedLogGroup.create(scope, "SeedSourceLogs"))
                .build();
        excuseNagFindings(scope);
        return seed;
    }

    /** CDK's own functions that seed the bucket and switch on its EventBridge notifications. */
    private static void excuseNagFindings(final Stack stack) {
        final IConstruct seeder = Nag.childStartingWith(stack, "Custom::CDKBucketDeployment");
        Nag.suppress(seeder, "AwsSolutions-IAM4", "CDK's BucketDeployment function uses the Lambda basic "
                + "execution role for its logs.", Nag.managedPolicy("service-role/AWSLambdaBasicExecutionRole"));
        Nag.suppress(seeder, "AwsSolutions-L1", "CDK pins BucketDeployment's Python runtime to the one its AWS CLI "
                + "layer is built for.");
        Nag.suppress(seeder, "AwsSolutions-IAM5", "CDK's BucketDeployment copies from the CDK asset bucket into "
                + "the source bucket: object actions on bucket/*.", "Action::s3:GetBucket*", "Action::s3:GetObject*",
                "Action::s3:List*", "Action::s3:Abort*", "Action::s3:DeleteObject*",
                Nag.matching("^Resource::<SourceBucket[0-9A-F]+\\.Arn>/\\*$"),
                Nag.matching("^Resource::arn:aws:s3:::cdk-[a-z0-9]+-assets-.*/\\*$"));
        Nag.suppress(Nag.childStartingWith(stack, "BucketNotificationsHandler"), "AwsSolutions-IAM4", "CDK's handler "
                + "that turns on EventBridge notifications for the source bucket uses the Lambda basic execution "
                + "role for its logs.", Nag.managedPolicy("service-role/AWSLambdaBasicExecutionRole"));
    }

    private static Bucket privateBucket(final Stack scope, final String id, final Bucket accessLogs,
                                        final String logPrefix, final boolean source) {
        final Bucket.Builder bucket = Bucket.Builder.create(scope, id)
                .encryption(BucketEncryption.S3_MANAGED)
                .enforceSsl(true)
                .blockPublicAccess(BlockPublicAccess.BLOCK_ALL)
                .objectOwnership(ObjectOwnership.BUCKET_OWNER_ENFORCED)
                .serverAccessLogsBucket(accessLogs)
                .serverAccessLogsPrefix(logPrefix)
                .removalPolicy(RemovalPolicy.DESTROY)
                .autoDeleteObjects(true);
        if (source) {
            // The S3 source action reads object versions; EventBridge carries "Object Created" to the rule.
            bucket.versioned(true)
                    .eventBridgeEnabled(true)
                    .lifecycleRules(List.of(LifecycleRule.builder()
                            .noncurrentVersionExpiration(Duration.days(KEEP_DAYS)).build()));
        } else {
            bucket.lifecycleRules(List.of(LifecycleRule.builder().expiration(Duration.days(ARTIFACT_KEEP_DAYS)).build()));
        }
        return bucket.build();
    }

    private static String keyPrefix(final String objectKey) {
        final int slash = objectKey.lastIndexOf('/');
        return slash < 0 ? null : objectKey.substring(0, slash + 1);
    }
}
