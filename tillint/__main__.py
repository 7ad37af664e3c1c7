from tillint.cli import main

main()
