resource "aws_security_group" "ml_dev" {
  name   = "ml-dev-box"
  vpc_id = aws_vpc.ml.id

  ingress {
    description = "Jupyter"
    from_port   = 8888
    to_port     = 8888
    protocol    = "tcp"
    cidr_blocks = ["0.0.0.0/0"] # want: exposure/port-open-to-world@critical
  }

  ingress {
    description      = "TensorBoard"
    from_port        = 6006
    to_port          = 6006
    protocol         = "tcp"
    ipv6_cidr_blocks = ["::/0"] # want: exposure/port-open-to-world@high
  }

  ingress {
    description = "HTTPS"
    from_port   = 443
    to_port     = 443
    protocol    = "tcp"
    cidr_blocks = ["0.0.0.0/0"]
  }

  egress {
    from_port   = 0
    to_port     = 0
    protocol    = "-1"
    cidr_blocks = ["0.0.0.0/0"]
  }
}

resource "aws_security_group_rule" "ray_dashboard" {
  type              = "ingress"
  security_group_id = aws_security_group.ray_head.id
  from_port         = 8265
  to_port           = 8265
  protocol          = "tcp"
  cidr_blocks       = ["0.0.0.0/0"] # want: exposure/port-open-to-world@critical
}

resource "aws_security_group_rule" "everything" {
  type              = "ingress"
  security_group_id = aws_security_group.ray_head.id
  from_port         = 0
  to_port           = 0
  protocol          = "-1"
  cidr_blocks       = ["10.0.0.0/8", "0.0.0.0/0"] # want: exposure/port-open-to-world@high
}

resource "aws_vpc_security_group_ingress_rule" "triton" {
  security_group_id = aws_security_group.triton.id
  cidr_ipv4         = "0.0.0.0/0" # want: exposure/port-open-to-world@high
  from_port         = 8000
  to_port           = 8002
  ip_protocol       = "tcp"
}

resource "aws_vpc_security_group_ingress_rule" "triton_vpc" {
  security_group_id = aws_security_group.triton.id
  cidr_ipv4         = "10.20.0.0/16"
  from_port         = 8000
  to_port           = 8002
  ip_protocol       = "tcp"
}

resource "google_compute_firewall" "mlflow" {
  name    = "allow-mlflow"
  network = google_compute_network.ml.name

  allow {
    protocol = "tcp"
    ports    = ["5000", "9000-9001"]
  }

  source_ranges = ["0.0.0.0/0"] # want: exposure/port-open-to-world@high
  target_tags   = ["mlflow"]
}

resource "google_compute_firewall" "iap_only" {
  name    = "allow-jupyter-iap"
  network = google_compute_network.ml.name

  allow {
    protocol = "tcp"
    ports    = ["8888"]
  }

  source_ranges = ["35.235.240.0/20"]
}

resource "azurerm_network_security_rule" "gradio" {
  name                        = "gradio-demo"
  priority                    = 110
  direction                   = "Inbound"
  access                      = "Allow"
  protocol                    = "Tcp"
  source_port_range           = "*"
  destination_port_range      = "7860"
  source_address_prefix       = "Internet" # want: exposure/port-open-to-world@high
  destination_address_prefix  = "*"
  resource_group_name         = "rg-ml"
  network_security_group_name = "nsg-demo"
}

resource "azurerm_network_security_group" "notebooks" {
  name                = "nsg-notebooks"
  location            = "westeurope"
  resource_group_name = "rg-ml"

  security_rule {
    name                       = "jupyter"
    priority                   = 100
    direction                  = "Inbound"
    access                     = "Allow"
    protocol                   = "Tcp"
    source_port_range          = "*"
    destination_port_ranges    = ["22", "8888"]
    source_address_prefix      = "*" # want: exposure/port-open-to-world@critical
    destination_address_prefix = "*"
  }

  security_rule {
    name                       = "deny-streamlit"
    priority                   = 200
    direction                  = "Inbound"
    access                     = "Deny"
    protocol                   = "Tcp"
    source_port_range          = "*"
    destination_port_range     = "8501"
    source_address_prefix      = "*"
    destination_address_prefix = "*"
  }
}

# Half-written rules. The provider requires from_port and to_port on an
# aws_security_group_rule, and a protocol in every allow block, so these
# open nothing; the absent values once crashed the analysis.
resource "aws_security_group_rule" "no_ports" {
  type        = "ingress"
  protocol    = "tcp"
  cidr_blocks = ["0.0.0.0/0"]
}

resource "google_compute_firewall" "no_protocol" {
  name          = "half-written"
  network       = google_compute_network.ml.name
  source_ranges = ["0.0.0.0/0"]

  allow {
    ports = ["8888"]
  }
}

# The same with a valid allow block next to the invalid one: that one counts.
resource "google_compute_firewall" "one_valid" {
  name          = "jupyter-open"
  network       = google_compute_network.ml.name
  source_ranges = ["0.0.0.0/0"] # want: exposure/port-open-to-world@critical "opens port 8888 \(Jupyter\)"

  allow {
    ports = ["8888"]
  }

  allow {
    protocol = "tcp"
    ports    = ["8888"]
  }
}
