package com.ekspipeline.verify;

import com.ekspipeline.core.Nag;
import com.ekspipeline.support.NagReport;
import com.ekspipeline.support.TestContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import software.amazon.awscdk.App;
import software.amazon.awscdk.AppProps;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.services.s3.Bucket;

import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** cdk-nag's AwsSolutions pack over the whole app: every finding is fixed or suppressed with a reason. */
class NagTest {

    /** Every optional part switched on (budget, off-hours, approval email, admins), so every resource is checked;
     * in the app's own VPC and in an existing one. */
    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"everything-on", "own-vpc"})
    void theWholeAppHasNoUnsuppressedFindings(final String configuration) {
        final Path out = Path.of("target", "nag", configuration);
        final App app = (App) TestContext.named(configuration).deploy(out).network().getNode().getScope();
        final List<NagReport.Finding> findings = NagReport.check(app, out);
        assertEquals("", findings.stream().map(f -> f.message().lines().findFirst().orElse("") + "\n    at " + f.path())
                .collect(Collectors.joining("\n")));
    }

    /** Proves suppressions take effect with this aws-cdk-lib and cdk-nag, rather than trusting they do. */
    @Test
    void aSuppressionHidesExactlyTheFindingItNames() {
        final List<NagReport.Finding> plain = nagOneBucket("plain", false);
        assertTrue(plain.stream().anyMatch(f -> f.rule().equals("AwsSolutions-S1") && f.path().equals("Probe/Bucket/Resource")),
                "an unlogged bucket is reported: " + plain);
        assertTrue(plain.stream().anyMatch(f -> f.rule().equals("AwsSolutions-S10")), plain.toString());

        final List<NagReport.Finding> suppressed = nagOneBucket("suppressed", true);
        assertFalse(suppressed.stream().anyMatch(f -> f.rule().equals("AwsSolutions-S1")), suppressed.toString());
        assertTrue(suppressed.stream().anyMatch(f -> f.rule().equals("AwsSolutions-S10")),
                "the other finding on the same bucket is still reported: " + suppressed);
    }

    private static List<NagReport.Finding> nagOneBucket(final String name, final boolean suppressS1) {
        final Path out = Path.of("target", "nag", name);
        final App app = new App(AppProps.builder().context(TestContext.defaults().asMap()).outdir(out.toString()).build());
        final Stack stack = new Stack(app, "Probe");
        final Bucket bucket = Bucket.Builder.create(stack, "Bucket").build();
        if (suppressS1) {
            Nag.suppress(bucket, "AwsSolutions-S1", "The probe bucket stands for any bucket without access logs.");
        }
        return NagReport.check(app, out);
    }
}
