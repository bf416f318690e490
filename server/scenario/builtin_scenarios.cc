#include "server/scenario/builtin_scenarios.h"

namespace metamock {

std::shared_ptr<const Scenario> HealthyScenario() {
  auto s = std::make_shared<Scenario>();
  s->name = "healthy";
  s->description =
      "An EC2 instance with an instance profile whose role trusts EC2; "
      "everything works.";
  s->account_id = "123456789012";

  Instance& i = s->instance;
  i.id = "i-0a1b2c3d4e5f60718";
  i.type = "t3.micro";
  i.ami_id = "ami-0c02fb55956c7d316";
  i.architecture = "x86_64";
  i.reservation_id = "r-0f1e2d3c4b5a69788";
  i.region = "us-east-1";
  i.availability_zone = "us-east-1a";
  i.availability_zone_id = "use1-az4";
  i.local_ipv4 = "10.0.1.23";
  i.local_hostname = "ip-10-0-1-23.ec2.internal";
  i.public_ipv4 = "203.0.113.25";
  i.public_hostname = "ec2-203-0-113-25.compute-1.amazonaws.com";
  i.mac = "0e:1f:2a:3b:4c:5d";
  i.interface_id = "eni-0123456789abcdef0";
  i.subnet_id = "subnet-0123456789abcdef0";
  i.subnet_cidr = "10.0.1.0/24";
  i.vpc_id = "vpc-0123456789abcdef0";
  i.vpc_cidr = "10.0.0.0/16";
  i.security_groups = {"default"};
  i.security_group_ids = {"sg-0123456789abcdef0"};

  s->roles.push_back(Role{
      "metamock-ec2-role", "AROAMETAMOCKEC2ROLE01", {kEc2ServicePrincipal}});
  s->instance_profile =
      InstanceProfile{"metamock-ec2-profile", "AIPAMETAMOCKPROFILE01",
                      std::string("metamock-ec2-role")};
  s->profile_associated = true;
  return s;
}

}  // namespace metamock
