package com.ekspipeline.catalog;

import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.time.LocalDate;
import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The dated price table: what it holds, and that a malformed row stops synth instead of mispricing. */
class PriceTableTest {

    @Test
    void everyRegionPricesEveryItemTheEstimateNeeds() {
        final PriceTable prices = PriceTable.load();
        assertEquals(LocalDate.of(2026, 11, 25), prices.pricedOn());
        for (String region : prices.regions()) {
            for (String item : List.of("eks-control-plane-standard", "eks-control-plane-extended", "nat-gateway",
                    "nat-gateway-data", "network-load-balancer", "public-ipv4-address", "ebs-gp3", "kms-key",
                    "logs-ingestion", "logs-storage")) {
                assertTrue(prices.price(region, item).isPresent(), region + " " + item);
            }
            assertTrue(prices.instanceTypes(region).contains("t3.large"), region);
        }
    }

    @Test
    void aMissingPriceStaysMissing() {
        assertEquals(Optional.empty(), PriceTable.load().instanceHour("us-east-2", "x9z.large"));
        assertEquals(Optional.empty(), PriceTable.load().price("ap-south-1", "nat-gateway"));
    }

    @Test
    void aRowInTheWrongUnitIsRefused() {
        final IllegalStateException wrong = assertThrows(IllegalStateException.class, () -> PriceTable.parse(List.of(
                "priced_on,2026-11-25", "us-east-2,ebs-gp3,hour,0.08")));
        assertEquals("src/main/resources/prices.csv line 2 (us-east-2,ebs-gp3,hour,0.08) must be "
                + "region,item,gib-month,usd", wrong.getMessage());
        assertThrows(IllegalStateException.class, () -> PriceTable.parse(List.of(
                "priced_on,2026-11-25", "us-east-2,spaceship,hour,1")));
        assertThrows(IllegalStateException.class, () -> PriceTable.parse(List.of("us-east-2,kms-key,key-month,1")));
    }

    @Test
    void parsesPricesExactly() {
        final PriceTable table = PriceTable.parse(List.of("# comment", "priced_on,2026-01-01", "region,item,unit,usd",
                "eu-west-1,ec2:m5.large,hour,0.107"));
        assertEquals(new BigDecimal("0.107"), table.instanceHour("eu-west-1", "m5.large").orElseThrow());
    }
}
