"""Seeds a moto_server with an AWS account for the AWS collector tests (tests/aws.rs).

Usage: aws_seed.py ENDPOINT_URL REGION

An insecure and a hardened EKS cluster (with node groups and a Fargate profile), two ECS
clusters with services, a task set, task definitions and a capacity provider, the account's
Container Insights setting, and two ECR repositories. Every field a check relies on is set
explicitly: moto fills in no AWS defaults (shared/reference/aws.md, section 6). Cluster names
are chosen so that none is a suffix of another (moto's list-services matches by substring).
"""

import json
import sys

import boto3

endpoint, region = sys.argv[1], sys.argv[2]


def client(name):
    return boto3.client(
        name,
        endpoint_url=endpoint,
        region_name=region,
        aws_access_key_id="test",
        aws_secret_access_key="test",
    )


ec2, iam, eks, ecs, ecr = (client(n) for n in ("ec2", "iam", "eks", "ecs", "ecr"))

vpc = ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
subnet = ec2.create_subnet(VpcId=vpc, CidrBlock="10.0.1.0/24")["Subnet"]["SubnetId"]
sg = ec2.create_security_group(GroupName="app", Description="app", VpcId=vpc)["GroupId"]
try:  # IAM is global: the second region finds the role already there.
    role = iam.create_role(
        RoleName="eks-cluster",
        AssumeRolePolicyDocument=json.dumps({"Version": "2012-10-17", "Statement": []}),
    )["Role"]["Arn"]
except iam.exceptions.EntityAlreadyExistsException:
    role = iam.get_role(RoleName="eks-cluster")["Role"]["Arn"]
try:
    node_role = iam.create_role(
        RoleName="eks-nodes",
        AssumeRolePolicyDocument=json.dumps({"Version": "2012-10-17", "Statement": []}),
    )["Role"]["Arn"]
except iam.exceptions.EntityAlreadyExistsException:
    node_role = iam.get_role(RoleName="eks-nodes")["Role"]["Arn"]
# A customer managed key: PLM-ECR-0005 asks KMS (DescribeKey) who manages a key named by ARN.
key_arn = client("kms").create_key(Description="shop")["KeyMetadata"]["Arn"]

# ---- EKS ----
eks.create_cluster(
    name="legacy-eks",
    version="1.23",
    roleArn=role,
    resourcesVpcConfig={
        "subnetIds": [subnet],
        "securityGroupIds": [sg],
        "endpointPublicAccess": True,
        "endpointPrivateAccess": False,
        "publicAccessCidrs": ["0.0.0.0/0"],
    },
    logging={"clusterLogging": [{"types": ["api"], "enabled": True}]},
)
eks.create_nodegroup(
    clusterName="legacy-eks",
    nodegroupName="workers",
    version="1.23",
    subnets=[subnet],
    nodeRole=role,
    remoteAccess={"ec2SshKey": "ops"},
)
eks.create_cluster(
    name="prod-eks",
    version="1.33",
    roleArn=role,
    resourcesVpcConfig={
        "subnetIds": [subnet],
        "securityGroupIds": [sg],
        "endpointPublicAccess": False,
        "endpointPrivateAccess": True,
    },
    logging={
        "clusterLogging": [
            {
                "types": ["api", "audit", "authenticator", "controllerManager", "scheduler"],
                "enabled": True,
            }
        ]
    },
    encryptionConfig=[{"resources": ["secrets"], "provider": {"keyArn": key_arn}}],
    tags={"team": "platform", "env": "prod"},
)
eks.create_nodegroup(
    clusterName="prod-eks",
    nodegroupName="private",
    version="1.33",
    subnets=[subnet],
    nodeRole=node_role,
    amiType="AL2023_x86_64_STANDARD",
    tags={"team": "platform"},
)
eks.create_fargate_profile(
    clusterName="prod-eks",
    fargateProfileName="batch",
    podExecutionRoleArn=role,
    subnets=[subnet],
    selectors=[{"namespace": "batch"}],
)

# ---- ECS ----
ecs.put_account_setting(name="containerInsights", value="enabled")
ecs.create_capacity_provider(
    name="legacy-asg",
    autoScalingGroupProvider={
        "autoScalingGroupArn": f"arn:aws:autoscaling:{region}:123456789012:autoScalingGroup:1:autoScalingGroupName/legacy",
        "managedScaling": {"status": "ENABLED", "targetCapacity": 100},
        "managedTerminationProtection": "DISABLED",
    },
)
ecs.create_cluster(
    clusterName="legacy",
    settings=[{"name": "containerInsights", "value": "disabled"}],
    configuration={"executeCommandConfiguration": {"logging": "NONE"}},
    capacityProviders=["legacy-asg"],
)
ecs.create_cluster(
    clusterName="shop",
    settings=[{"name": "containerInsights", "value": "enhanced"}],
    configuration={
        "executeCommandConfiguration": {
            "kmsKeyId": key_arn,
            "logging": "OVERRIDE",
            "logConfiguration": {
                "cloudWatchLogGroupName": "/ecs/exec",
                "cloudWatchEncryptionEnabled": True,
            },
        },
        "managedStorageConfiguration": {"fargateEphemeralStorageKmsKeyId": key_arn},
    },
    tags=[{"key": "team", "value": "shop"}],
)
ecs.register_task_definition(
    family="legacy-app",
    networkMode="host",
    pidMode="host",
    ipcMode="host",
    volumes=[
        {"name": "docker", "host": {"sourcePath": "/var/run/docker.sock"}},
        {"name": "root", "host": {"sourcePath": "/"}},
        {"name": "files", "efsVolumeConfiguration": {"fileSystemId": "fs-1", "transitEncryption": "DISABLED"}},
    ],
    containerDefinitions=[
        {
            "name": "app",
            "image": "docker.io/library/nginx:latest",
            "memory": 256,
            "privileged": True,
            "user": "root",
            "essential": True,
            "portMappings": [{"containerPort": 80, "hostPort": 80}, {"containerPort": 22, "hostPort": 22}],
            "environment": [
                {"name": "AWS_ACCESS_KEY_ID", "value": "AKIAIOSFODNN7EXAMPLE"},
                {"name": "AWS_SECRET_ACCESS_KEY", "value": "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"},
                {"name": "LOG_LEVEL", "value": "debug"},
            ],
            "mountPoints": [
                {"sourceVolume": "docker", "containerPath": "/var/run/docker.sock"},
                {"sourceVolume": "root", "containerPath": "/host", "readOnly": False},
            ],
            "linuxParameters": {
                "capabilities": {"add": ["SYS_ADMIN", "NET_ADMIN"]},
                "devices": [{"hostPath": "/dev/fuse"}],
            },
        }
    ],
)
# An older, minimal revision that a task set of the legacy cluster still runs.
ecs.register_task_definition(
    family="shop-web",
    networkMode="awsvpc",
    requiresCompatibilities=["FARGATE"],
    cpu="256",
    memory="512",
    containerDefinitions=[{"name": "web", "image": "shop:2", "memory": 512}],
)
ecs.register_task_definition(
    family="shop-web",
    networkMode="awsvpc",
    requiresCompatibilities=["FARGATE"],
    cpu="256",
    memory="512",
    executionRoleArn=role,
    taskRoleArn=role.replace("eks-cluster", "shop-task"),
    runtimePlatform={"operatingSystemFamily": "LINUX", "cpuArchitecture": "ARM64"},
    volumes=[
        {
            "name": "files",
            "efsVolumeConfiguration": {"fileSystemId": "fs-2", "transitEncryption": "ENABLED"},
        }
    ],
    containerDefinitions=[
        {
            "name": "web",
            "image": f"123456789012.dkr.ecr.{region}.amazonaws.com/shop-repo@sha256:{'a' * 64}",
            "cpu": 256,
            "memory": 512,
            "user": "1000:1000",
            "essential": True,
            "readonlyRootFilesystem": True,
            "privileged": False,
            "portMappings": [{"containerPort": 8080, "hostPort": 8080}],
            "secrets": [
                {"name": "DB_PASSWORD", "valueFrom": f"arn:aws:secretsmanager:{region}:123456789012:secret:db"}
            ],
            "environment": [{"name": "LOG_LEVEL", "value": "info"}],
            "mountPoints": [{"sourceVolume": "files", "containerPath": "/data", "readOnly": True}],
            "logConfiguration": {
                "logDriver": "awslogs",
                "options": {"awslogs-group": "/ecs/shop", "mode": "non-blocking"},
            },
            "healthCheck": {"command": ["CMD-SHELL", "wget -q -O- localhost:8080/health"], "interval": 30},
            "linuxParameters": {"capabilities": {"drop": ["ALL"]}, "initProcessEnabled": True},
        }
    ],
    tags=[{"key": "team", "value": "shop"}],
)
ecs.create_service(
    cluster="legacy",
    serviceName="legacy-svc",
    taskDefinition="legacy-app:1",
    desiredCount=1,
    launchType="FARGATE",
    platformVersion="1.3.0",
    networkConfiguration={
        "awsvpcConfiguration": {"subnets": [subnet], "securityGroups": [sg], "assignPublicIp": "ENABLED"}
    },
)
ecs.create_service(
    cluster="legacy",
    serviceName="legacy-ext",
    taskDefinition="shop-web:1",
    desiredCount=1,
    deploymentController={"type": "EXTERNAL"},
)
ecs.create_task_set(
    cluster="legacy",
    service="legacy-ext",
    taskDefinition="shop-web:1",
    launchType="FARGATE",
    networkConfiguration={
        "awsvpcConfiguration": {"subnets": [subnet], "securityGroups": [sg], "assignPublicIp": "ENABLED"}
    },
)
ecs.create_service(
    cluster="shop",
    serviceName="web",
    taskDefinition="shop-web:2",
    desiredCount=2,
    launchType="FARGATE",
    platformVersion="LATEST",
    networkConfiguration={
        "awsvpcConfiguration": {"subnets": [subnet], "securityGroups": [sg], "assignPublicIp": "DISABLED"}
    },
    tags=[{"key": "team", "value": "shop"}],
)

# A retired family: its only revision is deregistered (INACTIVE) and nothing runs it, so it is
# not collected, whatever it contains. shop-web:1 is deregistered too, but a task set still runs
# it, so it is collected and judged.
ecs.register_task_definition(
    family="retired-app",
    containerDefinitions=[{"name": "old", "image": "nginx:latest", "memory": 64, "privileged": True}],
)
ecs.deregister_task_definition(taskDefinition="retired-app:1")
ecs.deregister_task_definition(taskDefinition="shop-web:1")

# ---- ECR ----
ecr.create_repository(repositoryName="legacy-repo")
ecr.set_repository_policy(
    repositoryName="legacy-repo",
    policyText=json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [{"Sid": "all", "Effect": "Allow", "Principal": "*", "Action": ["ecr:BatchGetImage"]}],
        }
    ),
)
ecr.create_repository(
    repositoryName="shop-repo",
    imageTagMutability="IMMUTABLE",
    imageScanningConfiguration={"scanOnPush": True},
    encryptionConfiguration={"encryptionType": "KMS", "kmsKey": key_arn},
    tags=[{"Key": "team", "Value": "shop"}],
)
ecr.put_lifecycle_policy(
    repositoryName="shop-repo",
    lifecyclePolicyText=json.dumps(
        {
            "rules": [
                {
                    "rulePriority": 1,
                    "selection": {"tagStatus": "untagged", "countType": "sinceImagePushed", "countUnit": "days", "countNumber": 14},
                    "action": {"type": "expire"},
                }
            ]
        }
    ),
)
print("seeded", region)
