package com.ekspipeline.pipeline;

import com.ekspipeline.core.Nag;
import com.ekspipeline.core.OwnedLogGroup;
import software.amazon.awscdk.services.codebuild.BuildEnvironmentVariable;
import software.amazon.awscdk.services.codebuild.CloudWatchLoggingOptions;
import software.amazon.awscdk.services.codebuild.LoggingOptions;
import software.amazon.awscdk.services.kms.Alias;
import software.amazon.awscdk.services.kms.IAlias;
import software.constructs.Construct;
import software.constructs.IConstruct;

/**
 * What the pipeline's CodeBuild projects share: their output key, their logs, and the cdk-nag findings
 * that come with every CodeBuild role.
 */
final class CodeBuildDefaults {

    /** cdk-nag's IAM findings for CDK's bucket grants on the pipeline's own buckets. */
    static final Object[] S3_GRANTS = {"Action::s3:GetBucket*", "Action::s3:GetObject*", "Action::s3:List*",
        "Action::s3:Abort*", "Action::s3:DeleteObject*",
        Nag.matching("^Resource::<(Artifacts|SourceBucket)[0-9A-F]+\\.Arn>/\\*$")};
    static final String S3_REASON = "CDK's bucket grants (grantRead/grantReadWrite) on the pipeline's own source and "
            + "artifact buckets: object-level actions need the bucket/* resource.";
    static final Object KMS_ALIAS = Nag.matching("^Resource::arn:aws:kms:.*:key/\\*$");
    static final String KMS_REASON = "An AWS-managed key is addressed through its alias: the key/* resource is "
            + "limited by the kms:ResourceAliases condition on that one alias.";

    private CodeBuildDefaults() {
    }

    /** CodeBuild's output encryption, named explicitly: the account's AWS-managed S3 key, at no cost. */
    static IAlias artifactKey(final Construct scope) {
        return Alias.fromAliasName(scope, "S3Key", "alias/aws/s3");
    }

    static LoggingOptions logging(final Construct scope, final String id) {
        return LoggingOptions.builder()
                .cloudWatch(CloudWatchLoggingOptions.builder().logGroup(OwnedLogGroup.create(scope, id)).build())
                .build();
    }

    static BuildEnvironmentVariable plain(final String value) {
        return BuildEnvironmentVariable.builder().value(value).build();
    }

    /** What cdk-nag reports on every project role: the artifact grants, CodeBuild's logs and reports, its key. */
    static void excuseRoleFindings(final IConstruct role) {
        Nag.suppress(role, "AwsSolutions-IAM5", S3_REASON, S3_GRANTS);
        Nag.suppress(role, "AwsSolutions-IAM5", "CodeBuild's own log stream and report group permissions, "
                + "which CDK scopes to this project's name.", Nag.matching("^Resource::arn:aws:(logs|codebuild):.*$"));
        Nag.suppress(role, "AwsSolutions-IAM5", KMS_REASON + " CodeBuild's grant on its encryption key.",
                "Action::kms:GenerateDataKey*", "Action::kms:ReEncrypt*", KMS_ALIAS);
    }
}
