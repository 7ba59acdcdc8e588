package com.ekspipeline.config;

import com.ekspipeline.catalog.LogRetention;
import com.ekspipeline.catalog.PriceTable;

import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/** The keys that place the whole deployment: its name, region, account, zones and log retention. */
final class AppRules {

    static final Pattern APP_NAME = Pattern.compile("[a-z][a-z0-9-]{1,18}[a-z0-9]");
    static final Pattern REGION = Pattern.compile("[a-z]{2}(-gov|-iso[a-z]?)?-[a-z]+-\\d{1,2}");
    static final Pattern ACCOUNT = Pattern.compile("\\d{12}");

    private AppRules() {
    }

    static String appName(final ContextReader s) {
        return s.string("appName", APP_NAME,
                "3 to 20 lowercase letters, digits or hyphens, starting with a letter and not ending with a hyphen");
    }

    /** A region the price table covers, so that the cost estimate never prices anything at zero. */
    static String region(final ContextReader s, final PriceTable prices) {
        final String region = s.string("region", REGION, "an AWS region code such as us-east-2");
        if (!region.isEmpty() && !prices.covers(region)) {
            s.error("region", region, "a region whose prices " + PriceTable.SOURCE + " lists ("
                    + String.join(", ", prices.regions()) + "); add its rows there to deploy elsewhere");
            return "";
        }
        return region;
    }

    static Optional<String> account(final ContextReader s, final Optional<String> defaultAccount) {
        return s.has("account")
                ? Optional.of(s.string("account", ACCOUNT, "a 12-digit AWS account ID"))
                : defaultAccount.filter(a -> ACCOUNT.matcher(a).matches());
    }

    static List<String> availabilityZones(final ContextReader s, final String region) {
        // With an invalid region only the zones' form can be checked; the region's own error says the rest.
        final Pattern zone = region.isEmpty() ? Pattern.compile(REGION.pattern() + "[a-z]")
                : Pattern.compile(Pattern.quote(region) + "[a-z]");
        final String example = region.isEmpty() ? "us-east-2a" : region + "a";
        return s.stringList("availabilityZones", 2, z -> zone.matcher(z).matches(),
                (region.isEmpty() ? "availability zones" : "zones of region " + region)
                        + " such as " + example + " (EKS needs at least two)");
    }

    static int logRetentionDays(final ContextReader s) {
        return s.integerOneOf("logRetentionDays", LogRetention.allowedDays(),
                "one of the periods CloudWatch Logs accepts: "
                        + LogRetention.allowedDays().stream().map(String::valueOf).collect(Collectors.joining(", ")));
    }
}
