package io.jmtcp.provider.route;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jmtcp.engine.config.ConfigException;
import io.jmtcp.engine.config.JmtcpConfig;
import io.jmtcp.provider.route.RouteRule.Target;
import io.jmtcp.provider.route.Router.Decision;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class RouterTest {

    /** The kernel's own addresses in these tests: loopback and a host address on another network. */
    private static final Set<String> KERNEL = Set.of("127.0.0.1", "10.9.8.7", "198.18.0.1");

    private static Router router(Map<String, String> options, int jmtcpListenerPort) {
        return new Router(JmtcpConfig.of(options), (a, p) -> p == jmtcpListenerPort,
                a -> KERNEL.contains(a.getHostAddress()));
    }

    private static InetSocketAddress at(String ip, int port) throws Exception {
        return new InetSocketAddress(InetAddress.getByName(ip), port);
    }

    @Test
    void loopbackConnectGoesToJmtcpOnlyWhereAJmtcpListenerListens() throws Exception {
        Router r = router(Map.of(), 8080);
        assertThat(r.connect(at("127.0.0.1", 8080))).isEqualTo(Decision.JMTCP);
        assertThat(r.connect(at("127.0.0.1", 5432))).isEqualTo(Decision.KERNEL); // a local database
        assertThat(r.connect(at("0.0.0.0", 8080))).isEqualTo(Decision.JMTCP);
    }

    @Test
    void connectElsewhereGoesToTheKernelOnALoopbackStack() throws Exception {
        Router r = router(Map.of(), 8080);
        assertThat(r.connect(at("10.9.8.7", 8080))).isEqualTo(Decision.KERNEL);
        assertThat(r.connect(at("93.184.216.34", 443))).isEqualTo(Decision.KERNEL);
    }

    @Test
    void connectGoesToJmtcpThroughItsInterfaceAndGatewayButNotToTheHostsOwnAddresses() throws Exception {
        Router noGateway = router(Map.of("ip", "198.18.0.2/24"), -1);
        assertThat(noGateway.connect(at("198.18.0.1", 80))).isEqualTo(Decision.JMTCP); // on the jmtcp subnet
        assertThat(noGateway.connect(at("10.9.8.7", 80))).isEqualTo(Decision.KERNEL);
        assertThat(noGateway.connect(at("203.0.113.5", 80))).isEqualTo(Decision.KERNEL); // no route on jmtcp
        assertThat(noGateway.connect(at("127.0.0.1", 80))).isEqualTo(Decision.KERNEL); // not a loopback stack

        Router gateway = router(Map.of("ip", "198.18.0.2/24", "gateway", "198.18.0.1"), -1);
        assertThat(gateway.connect(at("203.0.113.5", 80))).isEqualTo(Decision.JMTCP);
        assertThat(gateway.connect(at("10.9.8.7", 80))).isEqualTo(Decision.KERNEL); // the host itself
    }

    @Test
    void listenerOnLoopbackOrWildcardRunsOnJmtcpAndAlsoOnTheKernel() throws Exception {
        Router r = router(Map.of(), -1);
        assertThat(r.listen(at("127.0.0.1", 0))).isEqualTo(new Router.Listen(Target.JMTCP, true));
        assertThat(r.listen(at("0.0.0.0", 8080))).isEqualTo(new Router.Listen(Target.JMTCP, true));
        assertThat(r.listen(at("10.9.8.7", 8080))).isEqualTo(new Router.Listen(Target.KERNEL, false));
        Router off = router(Map.of("route.kernel-listen", "false"), -1);
        assertThat(off.listen(at("127.0.0.1", 0))).isEqualTo(new Router.Listen(Target.JMTCP, false));
    }

    @Test
    void listenerOnTheJmtcpAddressHasAKernelSideOnlyIfTheKernelHasTheAddress() throws Exception {
        Router r = router(Map.of("ip", "198.18.0.2/24"), -1);
        assertThat(r.listen(at("198.18.0.2", 80))).isEqualTo(new Router.Listen(Target.JMTCP, false));
        assertThat(r.listen(at("127.0.0.1", 80))).isEqualTo(new Router.Listen(Target.KERNEL, false));
        assertThat(r.listen(at("0.0.0.0", 80))).isEqualTo(new Router.Listen(Target.JMTCP, true));
    }

    @Test
    void clientBindToLoopbackOrWildcardWaitsForTheDestination() throws Exception {
        Router r = router(Map.of(), -1);
        assertThat(r.bind(at("127.0.0.1", 0))).isEqualTo(Decision.EITHER);
        assertThat(r.bind(at("0.0.0.0", 0))).isEqualTo(Decision.EITHER);
        assertThat(r.bind(at("10.9.8.7", 0))).isEqualTo(Decision.KERNEL);
        Router tap = router(Map.of("ip", "198.18.0.2/24"), -1);
        assertThat(tap.bind(at("198.18.0.2", 0))).isEqualTo(Decision.JMTCP);
    }

    @Test
    void ipv6GoesToTheKernelWhateverTheRules() throws Exception {
        Router r = router(Map.of("route.rules", "jmtcp connect * ; jmtcp bind *"), 8080);
        assertThat(r.connect(at("::1", 8080))).isEqualTo(Decision.KERNEL);
        assertThat(r.bind(at("::", 0))).isEqualTo(Decision.KERNEL);
        assertThat(r.listen(at("::1", 8080)).target()).isEqualTo(Target.KERNEL);
    }

    @Test
    void firstMatchingRuleWinsByPrefixAndPortRange() throws Exception {
        Map<String, String> o = new HashMap<>();
        o.put("route.rules", "kernel connect 127.0.0.1 5000-5009; jmtcp connect 127.0.0.0/8 *; kernel bind 0.0.0.0 9000");
        Router r = router(o, -1);
        assertThat(r.connect(at("127.0.0.1", 5005))).isEqualTo(Decision.KERNEL);
        assertThat(r.connect(at("127.0.0.1", 5010))).isEqualTo(Decision.JMTCP); // second rule, no listener needed
        assertThat(r.connect(at("127.1.2.3", 1))).isEqualTo(Decision.JMTCP);
        assertThat(r.listen(at("0.0.0.0", 9000))).isEqualTo(new Router.Listen(Target.KERNEL, false));
        assertThat(r.listen(at("0.0.0.0", 9001)).target()).isEqualTo(Target.JMTCP);
    }

    @Test
    void rulesParseAsWritten() {
        RouteRule rule = RouteRule.parse("kernel  bind 10.0.0.0/8 1024-2047");
        assertThat(rule.target()).isEqualTo(Target.KERNEL);
        assertThat(rule.connect()).isFalse();
        assertThat(rule.prefix()).isEqualTo(8);
        assertThat(rule.lowPort()).isEqualTo(1024);
        assertThat(rule.highPort()).isEqualTo(2047);
        assertThat(RouteRule.parseAll(" ; jmtcp connect * ;")).hasSize(1);
    }

    @Test
    void badRulesFailNamingTheRule() {
        assertThatThrownBy(() -> RouteRule.parse("jmtcp connect 10.0.0.0/40"))
                .hasMessageContaining("10.0.0.0/40").hasMessageContaining("0..32");
        assertThatThrownBy(() -> RouteRule.parse("jmtcp connect 10.0.0.1 9-3"))
                .hasMessageContaining("jmtcp.route.rules").hasMessageContaining("'3'");
        assertThatThrownBy(() -> JmtcpConfig.of(Map.of("route.rules", "both connect *")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("jmtcp.route.rules");
    }
}
